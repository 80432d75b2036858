"""html_to_pdf: WeasyPrint renders the page and fetches nothing but the data URIs the page holds itself."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from talkdown.services.pdf import html_to_pdf

pytest.importorskip("weasyprint")
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
