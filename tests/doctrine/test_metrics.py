"""The seed-001 metrics: unknown without evidence, and each formula moves with the events it reads."""

from __future__ import annotations

import math
from datetime import timedelta

from talkdown.doctrine.indicators import indicator_series
from talkdown.doctrine.metrics import DIPLOMATIC_METRICS, current_metrics, metric_series, shown_metrics
from talkdown.domain.enums import (
    ChannelKind,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentType,
    StakeholderKind,
    Tone,
)
from talkdown.domain.events import (
    ChannelOpened,
    DemandRecorded,
    DemandStatusChanged,
    EntryRetracted,
    HostageConditionChanged,
    HostageRecorded,
    HostageReleased,
    IncidentClosed,
    MediaEventRecorded,
    StakeholderAdded,
    SupportStated,
)
from talkdown.domain.state import replay
from tests.doctrine.scripted import T0, Script


def _values(s: Script, minutes: float) -> dict[str, float | None]:
    metrics, _ = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=minutes))
    return {m.id: m.value for m in metrics}


def test_with_no_evidence_every_metric_but_the_type_based_release_figure_is_unknown() -> None:
    values = _values(Script(), 0)
    assert values["release_probability"] is not None  # the incident type is logged evidence
    assert all(v is None for k, v in values.items() if k != "release_probability")


def test_wellbeing_reads_logged_conditions_needs_and_releases() -> None:
    s = Script()
    s.at(1).log(
        HostageRecorded(hostage_id="h1", alias="Owen", condition=HostageCondition.DISTRESSED, medical_needs="asthma")
    )
    s.log(HostageRecorded(hostage_id="h2", alias="Ann", condition=HostageCondition.UNHARMED))
    assert _values(s, 2)["hostage_wellbeing"] == 7.0  # (6 - 1 open need + 9) / 2
    s.at(3).log(HostageConditionChanged(hostage_id="h2", condition=HostageCondition.INJURED))
    assert _values(s, 4)["hostage_wellbeing"] == 4.0  # (5 + 3) / 2
    s.at(5).log(HostageReleased(hostage_id="h1", condition=HostageCondition.UNHARMED))
    assert _values(s, 6)["hostage_wellbeing"] == 6.5  # (9 + 1 released) and 3, halved


def test_a_release_saying_unknown_keeps_the_last_known_condition() -> None:
    # A release logged with condition "unknown" overwrote the known "injured": the report's hostage table read
    # "unknown" and the hostage dropped out of the well-being index, which then read "unknown" with no one counted.
    s = Script()
    reported = s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen", condition=HostageCondition.INJURED))
    s.at(2).log(HostageReleased(hostage_id="h1", condition=HostageCondition.UNKNOWN))
    state = replay(s.envelopes)
    owen = state.hostages["h1"]
    assert owen.condition is HostageCondition.INJURED and owen.condition_seq == reported  # the entry that reported it
    assert owen.released_at is not None
    assert _values(s, 3)["hostage_wellbeing"] == 4.0  # injured 3, +1 released alive


def test_duration_runs_from_first_contact_to_close() -> None:
    s = Script()
    s.at(10).say("neg", "Hello, this is Sam.")
    s.at(12).say("subj", "What do you want?")
    assert _values(s, 70)["negotiation_duration_h"] == 1.0
    s.at(130).log(IncidentClosed(outcome="negotiated_surrender"))
    assert _values(s, 500)["negotiation_duration_h"] == 2.0


def test_time_in_contact_sums_only_the_gaps_under_ten_minutes() -> None:
    # docs/metrics.md and the constant's comment say "under 10 min"; a gap of exactly 10 minutes was counted.
    s = Script()
    s.at(0).say("neg", "Hello, this is Sam.")
    s.at(10).say("subj", "What now?")  # exactly 10 minutes later: a new stretch of contact
    s.at(16).say("neg", "I'm still here.")  # 6 minutes later: in contact
    metrics, _ = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=20))
    duration = next(m for m in metrics if m.id == "negotiation_duration_h")
    assert duration.detail == "0.1 h in contact"  # 6 minutes; with the 10-minute gap it read 0.3 h


def test_concession_level_counts_met_and_half_of_partly_met_demands_leaving_out_withdrawn() -> None:
    s = Script()
    for i, status in enumerate(
        [DemandStatus.MET, DemandStatus.PARTIALLY_MET, DemandStatus.REFUSED, DemandStatus.WITHDRAWN]
    ):
        s.at(i).log(DemandRecorded(demand_id=f"d{i}", item=f"item {i}", category=DemandCategory.OTHER))
        s.log(DemandStatusChanged(demand_id=f"d{i}", status=status))
    assert _values(s, 10)["concession_level"] == 50.0  # (1 + 0.5 + 0) / 3


def test_with_every_demand_withdrawn_concession_level_is_unknown_and_says_why() -> None:
    # The basis read "no demand logged" beside demands the report's ledger lists two rows below.
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="Car", category=DemandCategory.TRANSPORT))
    s.log(DemandStatusChanged(demand_id="d1", status=DemandStatus.WITHDRAWN))
    metrics, _ = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=2))
    row = next(m for m in metrics if m.id == "concession_level")
    assert row.value is None and row.detail == "1 demand logged, all withdrawn"


def test_release_probability_is_observed_once_every_hostage_is_out_and_otherwise_from_the_model() -> None:
    s = Script(incident_type=IncidentType.TERRORIST)
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="A"))
    modelled = _values(s, 2)["release_probability"]
    assert modelled is not None and 0 < modelled < 100
    assert modelled < _values(Script(incident_type=IncidentType.DOMESTIC), 2)["release_probability"]  # type: ignore[operator]
    s.at(3).log(HostageReleased(hostage_id="h1"))
    assert _values(s, 4)["release_probability"] == 100.0


def test_once_no_hostage_is_held_the_release_figure_is_the_observed_share_released_alive() -> None:
    # With every hostage dead the row read the model's 75 % (as for an incident with no hostage), and with one
    # dead and one out it read "100 %: all recorded hostages released (observed)".
    s = Script(incident_type=IncidentType.HOSTAGE)
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="A"))
    s.log(HostageRecorded(hostage_id="h2", alias="B"))
    s.at(2).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.DECEASED))
    s.log(HostageReleased(hostage_id="h2"))
    metrics, est = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=3))
    row = next(m for m in metrics if m.id == "release_probability")
    assert est is None and row.value == 50.0 and row.display == "50 %"
    assert row.detail == "observed: 1 of 2 recorded hostages released alive"


def test_with_every_hostage_dead_the_release_figure_is_zero_observed() -> None:
    s = Script(incident_type=IncidentType.HOSTAGE)
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="A", condition=HostageCondition.DECEASED))
    assert _values(s, 2)["release_probability"] == 0.0


def test_the_release_probability_row_rounds_the_models_figure_once_as_the_paragraph_under_it_does() -> None:
    # Two hostages held in a hostage incident: the model gives 74.53 %. The row rounded it to 74.5 and then to
    # "74 %" (half to even), while the report's paragraph and the board's line under it, from the same estimate,
    # said "75 %".
    s = Script(incident_type=IncidentType.HOSTAGE)
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="A"))
    s.log(HostageRecorded(hostage_id="h2", alias="B"))
    metrics, est = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=2))
    assert est is not None
    row = next(m for m in metrics if m.id == "release_probability")
    assert row.display == "%.0f %%" % (est.probability * 100)  # the report's paragraph's own format
    assert row.display == f"{round(est.probability * 100)} %"  # and the board's (Jinja's round, then int)


def test_the_diplomatic_track_feeds_support_media_and_relations() -> None:
    s = Script(incident_type=IncidentType.DIPLOMATIC_STATE)
    s.at(0).log(StakeholderAdded(stakeholder_id="g1", name="State A", stakeholder_kind=StakeholderKind.GOVERNMENT))
    s.log(StakeholderAdded(stakeholder_id="icrc", name="ICRC", stakeholder_kind=StakeholderKind.INTERMEDIARY))
    s.log(SupportStated(statement_id="s1", stakeholder_id="g1", by="State A", description="Backs talks"))
    s.log(SupportStated(statement_id="s2", stakeholder_id="icrc", by="ICRC", description="Offers to mediate"))
    s.log(ChannelOpened(channel_id="c1", channel_kind=ChannelKind.MULTILATERAL, description="UN contact group"))
    s.log(MediaEventRecorded(media_id="m1", outlet="TV", description="Live coverage", reach=4))
    v = _values(s, 0)
    assert v["international_support"] == 3.0  # two positive statements + one multilateral channel
    assert v["media_exposure"] == 4.0 and _values(s, 12 * 60)["media_exposure"] == 2.0  # 12 h half-life
    assert v["diplomatic_impact"] == round(math.tanh(2.5 / 3), 2)
    s.at(1).log(
        SupportStated(statement_id="s3", stakeholder_id="g1", by="State A", description="Protest", tone=Tone.NEGATIVE)
    )
    assert _values(s, 2)["international_support"] == 1.0  # State A's latest statement now counts against


def test_support_counts_one_latest_statement_per_stakeholder_however_its_name_was_typed() -> None:
    # Statements were keyed by the text typed: "UN" condemning and later "un" calling for calm counted as two
    # stakeholders (net 0, "1 supporting, 1 opposed"), and so did "UN" before and after it was added as one.
    s = Script(incident_type=IncidentType.DIPLOMATIC_STATE)
    s.at(0).log(SupportStated(statement_id="s1", by="UN", description="Condemns", tone=Tone.NEGATIVE))
    s.at(1).log(SupportStated(statement_id="s2", by="un", description="Calls for calm", tone=Tone.POSITIVE))
    assert _values(s, 2)["international_support"] == 1.0
    s.at(3).log(StakeholderAdded(stakeholder_id="un1", name="UN", stakeholder_kind=StakeholderKind.INTERMEDIARY))
    s.log(SupportStated(statement_id="s3", stakeholder_id="un1", by="UN", description="Protests", tone=Tone.NEGATIVE))
    metrics, _ = current_metrics(replay(s.envelopes), T0 + timedelta(minutes=4))
    support = next(m for m in metrics if m.id == "international_support")
    assert support.value == -1.0 and support.detail == "low: 0 supporting, 1 opposed"


def test_a_media_outlets_statement_logged_before_it_was_added_stays_out_of_relations_impact() -> None:
    # Relations impact counts statements by governments and intermediaries (or unattributed ones); a statement by
    # "Daily Star" logged before the Daily Star was added as a media stakeholder counted as a government's.
    s = Script(incident_type=IncidentType.DIPLOMATIC_STATE)
    s.at(0).log(SupportStated(statement_id="s1", by="Daily Star", description="Attacks talks", tone=Tone.NEGATIVE))
    s.at(1).log(StakeholderAdded(stakeholder_id="ds", name="daily star", stakeholder_kind=StakeholderKind.MEDIA))
    assert _values(s, 2)["diplomatic_impact"] is None


def test_the_metric_series_never_looks_ahead() -> None:
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="Water"))
    met = s.at(2).log(DemandStatusChanged(demand_id="d1", status=DemandStatus.MET))
    series = {p.seq: p.values["concession_level"] for p in metric_series(s.envelopes)}
    assert series[met - 1] == 0.0 and series[met] == 100.0


def test_indicators_track_threats_and_longer_turns_per_subject_turn() -> None:
    s = Script()
    s.at(1).say("subj", "I'll kill him if anybody comes through that door.")
    s.at(2).say("neg", "Nobody is coming in.")
    s.at(3).say("subj", "What happened was, I worked at that warehouse for twenty years and they let me go.")
    points = indicator_series(s.envelopes, s.annotations())
    assert [p.values["threats"] for p in points] == [1.0, 1.0]
    assert points[1].values["talking_longer"] > points[0].values["talking_longer"]  # type: ignore[operator]


def test_a_struck_subject_line_leaves_the_indicators_at_once() -> None:
    # The series took a point only at subject lines and deadline, hostage or closing events, so after a threat
    # logged on the wrong incident was retracted, `talkdown metrics` and the report's chart kept "1 threat cue"
    # (and its words per turn) until he next spoke.
    s = Script()
    s.at(1).say("subj", "Just listen to me for once.")
    wrong = s.at(2).say("subj", "I'll kill him if anybody comes through that door.")
    retracted = s.at(3).log(EntryRetracted(ref_seq=wrong, reason="logged on the wrong incident"))
    last = indicator_series(s.envelopes, s.annotations())[-1]
    assert last.seq == retracted
    assert last.values["threats"] == 0.0 and last.values["talking_longer"] == 6.0


def test_a_hostage_recorded_hurt_counts_from_the_moment_it_is_logged() -> None:
    s = Script()
    s.at(1).say("subj", "Nobody is hurt.")
    recorded = s.at(2).log(HostageRecorded(hostage_id="h1", alias="Ann", condition=HostageCondition.INJURED))
    last = indicator_series(s.envelopes, s.annotations())[-1]
    assert last.seq == recorded and last.values["hostages_harmed"] == 1.0


def test_outbursts_per_subject_turn_fall_as_he_calms_down() -> None:
    # indicators.md observes intensity_falling as the rate of swearing, capitals and "!" per subject turn.
    s = Script()
    s.at(1).say("subj", "Get the hell away from my door!! I SAID BACK OFF!")
    s.at(2).say("neg", "We're staying back. Nobody is coming to the door.")
    s.at(3).say("subj", "Okay. I just want to talk to my daughter.")
    s.at(4).say("subj", "She's eleven. She likes horses.")
    values = [p.values["outbursts"] for p in indicator_series(s.envelopes, s.annotations())]
    assert values == [4.0, 2.0, 4 / 3]  # the hell, "!!", I SAID BACK OFF, "!"; then calm turns dilute the mean


def _shown(s: Script) -> tuple[list[str], str]:
    state = replay(s.envelopes)
    metrics, _ = current_metrics(state, T0)
    shown, note = shown_metrics(metrics, state)
    return [m.id for m in shown], note


def test_a_barricade_with_no_diplomatic_entry_leaves_out_the_three_diplomatic_metrics_and_says_why() -> None:
    ids, note = _shown(Script(incident_type=IncidentType.BARRICADE))
    assert ids == ["hostage_wellbeing", "negotiation_duration_h", "concession_level", "release_probability"]
    assert note.startswith("International Support, Media Exposure and Diplomatic Relations Impact are left out")
    assert "kidnap-abroad and state-level" in note and "barricade" in note


def test_kidnap_and_state_level_incidents_show_all_seven_metrics() -> None:
    for kind in (IncidentType.KIDNAP_FOR_RANSOM, IncidentType.DIPLOMATIC_STATE, IncidentType.TERRORIST):
        ids, note = _shown(Script(incident_type=kind))
        assert set(DIPLOMATIC_METRICS) <= set(ids) and note == ""


def test_a_diplomatic_entry_logged_on_any_incident_brings_the_metrics_back() -> None:
    s = Script(incident_type=IncidentType.BARRICADE)
    s.log(MediaEventRecorded(media_id="m1", outlet="TV", description="Live coverage", reach=4))
    ids, note = _shown(s)
    assert len(ids) == 7 and note == ""
