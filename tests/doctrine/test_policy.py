"""Agency policy files: defaults follow doctrine, overrides apply, and every mistake names its key."""

from __future__ import annotations

import pytest

from talkdown.doctrine.policy import Policy, parse_policy
from talkdown.domain.enums import DemandCategory
from talkdown.errors import TalkdownError


def _error(text: str) -> TalkdownError:
    with pytest.raises(TalkdownError) as info:
        parse_policy(text, file="policy.yaml")
    return info.value


def test_an_empty_file_gives_the_doctrine_defaults() -> None:
    policy = parse_policy("", file="policy.yaml")
    assert policy == Policy()
    assert policy.is_non_negotiable("a bulletproof vest") and policy.is_non_negotiable("beer")
    assert policy.is_small("two sandwiches") and not policy.is_small("a rifle")
    assert not policy.is_barred(DemandCategory.MONEY)


def test_a_full_policy_file_overrides_defaults() -> None:
    policy = parse_policy(
        """
agency: Harrow Falls PD
no_concessions: true
non_negotiable_items: [vest, rifle]
relief_interval_minutes: 120
rules:
  relief_due: {priority: 1}
  progress_keep_course: {enabled: false}
""",
        file="policy.yaml",
    )
    assert policy.agency == "Harrow Falls PD" and policy.relief_interval_minutes == 120
    assert policy.is_barred(DemandCategory.RELEASE_OF_PRISONERS)
    assert not policy.is_non_negotiable("beer")  # the agency took alcohol off the list
    assert policy.priority_of("relief_due", 3) == 1 and not policy.is_enabled("progress_keep_course")


def test_an_unknown_top_level_key_is_named_with_a_did_you_mean() -> None:
    err = _error("relief_intervall_minutes: 90\n")
    assert err.code == "TD640"
    assert "'relief_intervall_minutes'" in err.message and "did you mean 'relief_interval_minutes'" in err.message


def test_an_unknown_key_inside_a_rule_setting_is_named_with_its_path() -> None:
    err = _error("rules:\n  relief_due: {priorty: 2}\n")
    assert err.code == "TD640" and "'rules.relief_due.priorty'" in err.message and "'priority'" in err.message


def test_an_unknown_rule_id_is_rejected_with_a_did_you_mean() -> None:
    err = _error("rules:\n  releif_due: {enabled: false}\n")
    assert err.code == "TD640" and "did you mean 'relief_due'" in err.message


def test_a_wrong_value_names_the_key_and_the_problem() -> None:
    err = _error("relief_interval_minutes: soon\n")
    assert err.code == "TD641" and "'relief_interval_minutes'" in err.message
    assert _error("non_negotiable_categories: [weapons, spaceships]\n").code == "TD641"


def test_malformed_yaml_and_a_non_mapping_are_reported_with_the_file() -> None:
    bad = _error("agency: [unclosed\n")
    assert bad.code == "TD642" and "policy.yaml" in bad.message and "line" in bad.message
    assert _error("- just\n- a list\n").code == "TD642"
