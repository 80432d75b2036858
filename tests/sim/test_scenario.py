"""Scenario files: every shipped one loads, and a broken one names the key and the line."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pydantic_core
import pytest

from talkdown.errors import TalkdownError
from talkdown.sim.scenario import load_scenario, parse_scenario, scenario_digest, shipped_ids

INCIDENT_TYPES_THE_ISSUE_LISTS = {
    "suicide_intervention", "domestic", "criminal_interrupted", "kidnap_for_ransom", "diplomatic_state", "barricade",
    "prison", "terrorist",
}  # fmt: skip


def test_nine_scenarios_ship_and_cover_the_incident_types_of_the_issue() -> None:
    scenarios = [load_scenario(i) for i in shipped_ids()]
    assert len(scenarios) >= 9
    assert {s.incident_type.value for s in scenarios} >= INCIDENT_TYPES_THE_ISSUE_LISTS
    for s in scenarios:
        assert s.trains and all(".md" in t or "cases.yaml" in t for t in s.trains), s.id
        assert s.injects, s.id


def _bridge_text() -> str:
    from importlib import resources

    return (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8")


def test_an_unknown_key_is_named_with_its_line() -> None:
    lines = _bridge_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("  hooks:"))
    lines.insert(at, "  trigers: []")
    with pytest.raises(TalkdownError) as err:
        parse_scenario("\n".join(lines), file="bad.yaml")
    assert err.value.code == "TD130"
    assert err.value.fields["key"] == "persona.trigers"
    assert err.value.fields["line"] == at + 1


def test_a_bad_value_is_named_with_the_line_of_that_value() -> None:
    text = _bridge_text().replace("  arousal: 0.75\n", "  arousal: 1.75\n")
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if ln == "  arousal: 1.75")
    with pytest.raises(TalkdownError) as err:
        parse_scenario(text, file="bad.yaml")
    assert (err.value.code, err.value.fields["key"], err.value.fields["line"]) == ("TD130", "initial.arousal", line)


def test_broken_yaml_reports_its_line() -> None:
    with pytest.raises(TalkdownError) as err:
        parse_scenario("id: x\ntitle: [unclosed\n", file="bad.yaml")
    assert err.value.code == "TD131"
    assert err.value.fields["line"] >= 2


def test_a_deadline_naming_an_unknown_demand_is_refused() -> None:
    text = _bridge_text().replace("  hostages: []\n", "  hostages: []\n  deadlines: [{id: d, demand: nope, say: x}]\n")
    with pytest.raises(TalkdownError) as err:
        parse_scenario(text, file="bad.yaml")
    assert err.value.code == "TD130" and "nope" in err.value.fields["problem"]


def test_an_unknown_scenario_id_lists_the_shipped_ones() -> None:
    with pytest.raises(TalkdownError) as err:
        load_scenario("no_such_scenario")
    assert err.value.code == "TD230" and "bridge" in err.value.fields["choices"]


def test_a_scenario_file_that_is_not_there_is_td107_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "my_bridge.yaml"
    with pytest.raises(TalkdownError) as err:
        load_scenario(str(missing))  # was TD230 "No training scenario", listing the shipped ids
    assert err.value.code == "TD107" and err.value.fields["file"] == str(missing)


def test_a_check_across_keys_names_the_line_of_the_key_to_fix() -> None:
    text = _bridge_text()
    lines = text.splitlines()
    second = next(n for n, ln in enumerate(lines, start=1) if ln == "  - id: wife_arrives")
    with pytest.raises(TalkdownError) as err:  # was: key '(top level)', line 2 (the top of the file)
        parse_scenario(text.replace("  - id: wife_arrives", "  - id: media_helicopter"), file="my.yaml")
    assert (err.value.code, err.value.fields["key"], err.value.fields["line"]) == ("TD130", "injects.1.id", second)
    assert err.value.fields["problem"] == "injects: duplicate id 'media_helicopter'"
    dynamics = text + "dynamics:\n  stage_trust: [0.5, 0.4, 0.7]\n"
    with pytest.raises(TalkdownError) as err:
        parse_scenario(dynamics, file="my.yaml")
    assert (err.value.fields["key"], err.value.fields["line"]) == ("dynamics.stage_trust", len(lines) + 2)
    deadline = text.replace("  hostages: []\n", "  hostages: []\n  deadlines: [{id: d, demand: nope, say: x}]\n")
    at = next(n for n, ln in enumerate(deadline.splitlines(), start=1) if "demand: nope" in ln)
    with pytest.raises(TalkdownError) as err:
        parse_scenario(deadline, file="my.yaml")
    assert (err.value.fields["key"], err.value.fields["line"]) == ("persona.deadlines.0.demand", at)


def test_a_demand_releasing_a_hostage_the_scenario_does_not_hold_is_refused_at_its_line() -> None:
    """``releases`` names the hostage (by alias) a trade for the demand frees. A typo ('Mr Okafor') loaded and
    then freed whichever hostage was first on the list (the teller Priya) when the trainee traded for food."""
    text = (resources.files("talkdown.sim") / "scenarios" / "bank_robbery.yaml").read_text(encoding="utf-8")
    line = next(n for n, ln in enumerate(text.splitlines(), start=1) if 'releases: "Mr. Okafor"' in ln)
    with pytest.raises(TalkdownError) as err:
        parse_scenario(text.replace('releases: "Mr. Okafor"', 'releases: "Mr Okafor"'), file="my.yaml")
    assert (err.value.code, err.value.fields["key"], err.value.fields["line"]) == (
        "TD130",
        "persona.demands.1.releases",
        line,
    )
    assert "Mr Okafor" in err.value.fields["problem"] and "Mr. Okafor" in err.value.fields["problem"]
    logged = parse_scenario(text.replace('releases: "Mr. Okafor"', 'releases: "Mr Okafor"'), file="s", logged=True)
    assert logged.persona.demands[1].releases == "Mr Okafor"  # a session logged with it before still debriefs


def without_reaction_again(text: str) -> str:
    """A scenario's YAML with no ``reaction_again`` key: as an instructor's file written before it existed."""
    kept, skipping = [], False
    for line in text.splitlines():
        skipping = line.strip() == "reaction_again:" or (skipping and line.startswith("      - "))
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def test_every_shipped_inject_has_its_own_words_for_being_issued_again() -> None:
    for scenario in map(load_scenario, shipped_ids()):
        for inject in scenario.injects:
            assert len(inject.reaction_again) >= 2, (scenario.id, inject.id)
            assert inject.reaction not in inject.reaction_again, (scenario.id, inject.id)


def test_a_scenario_with_no_not_suicidal_keeps_the_digest_its_earlier_sessions_logged() -> None:
    """``voice.not_suicidal`` (engine 0.1.12) is optional as ``reaction_again`` is: left out, the digest is the one
    sessions logged before the key existed carry; given, it is an edit like any other."""
    scenario = load_scenario("bridge")
    dumped = scenario.model_dump(mode="json")
    del dumped["persona"]["voice"]["not_suicidal"]  # the dump before the key existed
    assert scenario_digest(scenario) == hashlib.sha256(pydantic_core.to_json(dumped)).hexdigest()
    lines = _bridge_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("  voice:"))
    lines[at + 1 : at + 1] = ["    not_suicidal:", '      - "No. Not that."', '      - "No. Never."']
    edited = parse_scenario("\n".join(lines), file="mine.yaml")
    assert edited.persona.voice.not_suicidal == ["No. Not that.", "No. Never."]
    assert scenario_digest(edited) != scenario_digest(scenario)


def test_a_scenario_with_no_suicide_plan_keeps_the_digest_its_earlier_sessions_logged() -> None:
    """``voice.suicide_plan`` (engine 0.1.13) is optional as ``not_suicidal`` is: left out, the digest is the one
    sessions logged before the key existed carry; given (bridge, teenager), it is an edit like any other."""
    scenario = load_scenario("kidnap_ransom")
    dumped = scenario.model_dump(mode="json")
    del dumped["persona"]["voice"]["not_suicidal"], dumped["persona"]["voice"]["suicide_plan"]  # the dump before
    assert scenario_digest(scenario) == hashlib.sha256(pydantic_core.to_json(dumped)).hexdigest()
    bridge = load_scenario("bridge")
    assert bridge.persona.voice.suicide_plan
    without = bridge.model_copy(
        update={
            "persona": bridge.persona.model_copy(
                update={"voice": bridge.persona.voice.model_copy(update={"suicide_plan": []})}
            )
        }
    )
    assert scenario_digest(without) != scenario_digest(bridge)


def test_a_scenario_with_no_reaction_again_keeps_the_digest_its_earlier_sessions_logged() -> None:
    """A session logs its scenario's sha256 and its debrief says when the file changed since. The new key in
    every dump would have changed every digest, so each earlier session would have read "the scenario file
    changed after this session was run": left empty, it is not hashed; given, it is an edit like any other."""
    scenario = parse_scenario(without_reaction_again(_bridge_text()), file="mine.yaml")
    dumped = scenario.model_dump(mode="json")
    for inject in dumped["injects"]:
        del inject["reaction_again"]  # the dump before the key existed
    del dumped["persona"]["voice"]["not_suicidal"]  # nor did this one, which came later still
    assert scenario_digest(scenario) == hashlib.sha256(pydantic_core.to_json(dumped)).hexdigest()
    assert scenario_digest(load_scenario("bridge")) != scenario_digest(scenario)
