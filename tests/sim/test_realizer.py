"""The optional LLM realizer, against a fake OpenAI-compatible server on 127.0.0.1 (the only boundary faked)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from talkdown.errors import TalkdownError
from talkdown.sim.engine import SimulatedSubject, turn_rng
from talkdown.sim.realizer import HttpRealizer, Intent, TemplateRealizer
from talkdown.sim.scenario import load_scenario
from talkdown.sim.state import SubjectView, ViewItem

pytestmark = pytest.mark.integration


class _FakeChat(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeChat.requests.append({"path": self.path, "body": body})
        draft = body["messages"][-1]["content"].rsplit("Reply to reword:\n", 1)[1]
        payload = {"choices": [{"message": {"role": "assistant", "content": f"(reworded) {draft}"}}]}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def fake_llm() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeChat.requests = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _view() -> SubjectView:
    return SubjectView("bridge", (ViewItem("subject", "Stay back.", 1), ViewItem("trainee", "Calm down.", 2)))


def test_the_llm_rewords_but_the_engine_decides(fake_llm: str) -> None:
    scenario = load_scenario("bridge")
    llm = SimulatedSubject(scenario, realizer=HttpRealizer(fake_llm))
    plain = SimulatedSubject(scenario)
    a, b = llm.respond(_view(), turn_rng(1, 1)), plain.respond(_view(), turn_rng(1, 1))
    assert a.realizer == "llm" and a.text == f"(reworded) {b.text}"
    assert a.state == b.state and a.intent == b.intent
    sent = _FakeChat.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    system = sent["body"]["messages"][0]["content"]  # type: ignore[index]
    assert "twenty-two years" in system  # the persona's facts travel with the request


def test_an_unreachable_endpoint_falls_back_to_the_template() -> None:
    realizer = HttpRealizer("http://127.0.0.1:9", timeout_s=0.5)
    spoken = realizer.realize(Intent("mood", ("Stay back.",)), load_scenario("bridge"), _view(), turn_rng(1, 1))
    assert spoken == TemplateRealizer().realize(
        Intent("mood", ("Stay back.",)), load_scenario("bridge"), _view(), turn_rng(1, 1)
    ).__class__("Stay back.", "template-fallback")


def test_a_url_without_http_is_a_config_error() -> None:
    with pytest.raises(TalkdownError) as err:
        HttpRealizer("file:///etc/passwd")
    assert err.value.code == "TD630"


class _BrokenChat(BaseHTTPRequestHandler):
    """Answers a runaway reply, or a body cut off before its announced length."""

    mode: ClassVar[str] = "runaway"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        content = "Fine. " * 20_000 if _BrokenChat.mode == "runaway" else "Stay back."
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data) + (50 if _BrokenChat.mode == "cut" else 0)))
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.mark.parametrize("mode", ["runaway", "cut"])
def test_a_runaway_or_cut_off_answer_falls_back_to_the_template(mode: str) -> None:
    server = HTTPServer(("127.0.0.1", 0), _BrokenChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _BrokenChat.mode = mode
    try:
        realizer = HttpRealizer(f"http://127.0.0.1:{server.server_port}", timeout_s=5)
        spoken = realizer.realize(Intent("mood", ("Stay back.",)), load_scenario("bridge"), _view(), turn_rng(1, 1))
    finally:
        server.shutdown()
        server.server_close()
    assert spoken.realizer == "template-fallback" and spoken.text == "Stay back."  # 120,000 chars / IncompleteRead


def test_a_wording_that_opens_with_a_slot_is_chosen_once_the_others_were_just_used() -> None:
    """A variant starting with '{item}' was always taken for one of his recent lines (its text before the slot
    is empty, and '' is in every line), so he never said "... I'm not asking again." and repeated the others."""
    scenario = load_scenario("bank_robbery")
    intent = Intent("demand_again", ("@demand_again",), (("item", "a car"),))
    recent = ("You heard me. I want a car.", "I'm still waiting on a car.")
    view = SubjectView("bank_robbery", tuple(ViewItem("subject", text, n) for n, text in enumerate(recent, start=1)))
    said = {TemplateRealizer().realize(intent, scenario, view, turn_rng(seed, 1)).text for seed in range(8)}
    assert said == {"A car. I'm not asking again."}  # a capital: the slot's value opens the sentence


def test_the_scenarios_own_lines_are_said_as_written_braces_and_all() -> None:
    # Run through format_map, an instructor's venting line with a lone "{" ended the session with an internal
    # error, and "{sigh}" was said as "that".
    bridge = load_scenario("bridge")
    voice = bridge.persona.voice.model_copy(update={"venting": ["I can't {sigh} do this.", "Just { stop it."]})
    scenario = bridge.model_copy(update={"persona": bridge.persona.model_copy(update={"voice": voice})})
    said = {
        TemplateRealizer().realize(Intent("mood", ("@venting",)), scenario, _view(), turn_rng(seed, 1)).text
        for seed in range(12)
    }
    assert said == {"I can't {sigh} do this.", "Just { stop it."}
