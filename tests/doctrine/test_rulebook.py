"""The packaged rules load, and each doctrine reference points at a real heading of the doctrine pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talkdown.doctrine.rulebook import load_rules

DOCTRINE = Path(__file__).resolve().parents[3] / "shared" / "doctrine"
EXPECTED = {
    "high_risk_factors", "suicide_by_cop_signs", "weapon_mentioned", "hostage_welfare_unknown",
    "non_negotiable_demand", "policy_bars_concession", "beyond_police_authority",
    "third_party_demand", "transport_demand", "quid_pro_quo", "unrequested_concession",
    "concession_without_return", "broken_promise", "deadline_passed_quietly", "deadline_approaching",
    "deadline_repeated", "influence_before_rapport", "rising_suicide_cues", "progress_keep_course", "negotiator_avoid",
    "relief_due",
}  # fmt: skip


def _slug(heading: str) -> str:
    """GitHub's heading anchors: lower case, punctuation dropped (except - and _), spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_the_advisor_uses_is_packaged_with_sources() -> None:
    rules = load_rules()
    assert set(rules) == EXPECTED
    assert all(r.sources and r.reason and r.action for r in rules.values())


@pytest.mark.skipif(not DOCTRINE.is_dir(), reason="the doctrine pack (../shared/doctrine) is not beside the repo")
def test_every_doctrine_ref_names_an_existing_heading() -> None:
    for rule in load_rules().values():
        file, anchor = rule.doctrine_ref.split("#")
        headings = [line.lstrip("#") for line in (DOCTRINE / file).read_text().splitlines() if line.startswith("#")]
        assert anchor in {_slug(h) for h in headings}, rule.id
