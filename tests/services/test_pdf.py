"""html_to_pdf: WeasyPrint renders the page, fetches nothing but the data URIs the page holds itself, and says which
characters no font on the machine has."""

from __future__ import annotations

import base64
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from talkdown.services.pdf import font_note, html_to_pdf, render_pdf

pytest.importorskip("weasyprint")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")
# A 1 x 1 PNG: in the PDF as an image XObject exactly when WeasyPrint loaded it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{url}" alt="">',
        '<p style="background: url({url})">x</p>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="{url}" width="9" height="9"/></svg>',
    ],
    ids=["img", "css-url", "svg-image"],
)
def test_a_page_that_names_a_local_file_does_not_get_it_into_the_pdf(tmp_path: Path, markup: str) -> None:
    # base_url=None only stops relative links: WeasyPrint still fetched any absolute file:// or http:// URL, so a
    # page carrying one (a template or a report field that ever let markup through) read a file of the server's,
    # or made it call out, and put the result in a PDF the console hands out.
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    pdf = html_to_pdf("<p>report</p>" + markup.format(url=secret.as_uri()))
    assert pdf.startswith(b"%PDF-") and b"/Image" not in pdf


def test_a_data_uri_still_reaches_the_pdf() -> None:
    # The report's charts are data URIs: they must still be drawn.
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")
    assert b"/Image" in html_to_pdf(f'<img src="{uri}" alt="">')


NO_FONT = "\U0010fffd"  # a private-use character: no font anywhere draws it


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_pdftotext
def test_characters_no_font_has_are_named_at_the_top_of_the_pdf(tmp_path: Path) -> None:
    # They printed as empty boxes and nothing said so: a subject's words lost from the report without a word.
    pdf = render_pdf(f"<html><body><h1>Report</h1><p>He said: {NO_FONT}{NO_FONT} and é</p></body></html>")
    assert pdf.unprintable == (NO_FONT,)
    text = " ".join(_text(pdf.data, tmp_path).split())
    assert text.index("U+10FFFD") < text.index("Report")
    assert "1 character(s) have no font on this computer" in text and "fonts-noto-cjk" in text


@needs_pdftotext
def test_a_page_the_fonts_cover_gets_no_note(tmp_path: Path) -> None:
    pdf = render_pdf("<p>Café, naïve, 1–2 “quoted”</p>")
    assert pdf.unprintable == ()
    assert "no font" not in _text(pdf.data, tmp_path)


def test_the_note_names_a_dozen_characters_and_counts_the_rest() -> None:
    note = font_note([chr(0xE000 + k) for k in range(15)])
    assert note.startswith("15 character(s)") and "U+E00B" in note and "U+E00C" not in note and "and 3 more" in note


def test_two_reports_rendered_at_once_each_name_only_their_own_characters() -> None:
    # The console renders reports on a thread pool: WeasyPrint's warnings go to one logger for all of them.
    pages = [f"<p>{NO_FONT} {k}</p>" if k % 2 else f"<p>plain {k}</p>" for k in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        found = list(pool.map(render_pdf, pages))
    assert [p.unprintable for p in found] == [() if k % 2 == 0 else (NO_FONT,) for k in range(6)]
