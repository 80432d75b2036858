"""The release model: fitted on the packaged library, explained by its factors, evaluated honestly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from talkdown.doctrine.release_model import POSITIVE, estimate, fit, fitted, load_cases, predict, usable
from talkdown.domain.enums import IncidentType

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "doctrine" / "cases.yaml"


def test_the_packaged_library_loads_and_political_incidents_end_negotiated_less_often() -> None:
    cases = usable(load_cases())
    assert len(cases) == 40 and sum(c.outcome in POSITIVE for c in cases) == 15
    model, boots = fitted()
    assert model.coef[0] < 0 and len(boots) > 150


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared/doctrine/cases.yaml is not beside the repo")
def test_the_packaged_copy_matches_the_doctrine_pack() -> None:
    packaged = (ROOT / "src/talkdown/doctrine/data/cases.yaml").read_text(encoding="utf-8")
    assert packaged.endswith(SHARED.read_text(encoding="utf-8"))


def test_the_estimate_is_corrected_to_the_published_rate_and_carries_a_band_and_factors() -> None:
    est = estimate(IncidentType.DOMESTIC, hostages_held=1)
    assert est.low <= est.probability <= est.high
    assert est.library_probability < est.probability  # shifted from the famous-case rate (37.5%) towards 65%
    assert est.published_rate == 0.65 and {f.name for f in est.factors} >= {"political incident type"}
    assert estimate(IncidentType.BARRICADE, hostages_held=0).published_rate == 0.72


def test_the_fit_learns_a_planted_effect() -> None:
    yaml_text = "\n".join(
        f"- {{id: c{i}, type: {'terrorist' if i % 2 else 'domestic'}, hostages: 2, "
        f"outcome: {'tactical_resolution' if i % 2 or i % 6 == 0 else 'negotiated_surrender'}}}"
        for i in range(30)
    )
    model = fit(load_cases(yaml_text))
    assert predict(model, political=True, hostages=2) < 0.2 < 0.5 < predict(model, political=False, hostages=2)


def test_the_eval_gives_identical_results_on_two_runs_and_reports_a_verdict(
    eval_script: Callable[[str], ModuleType],
) -> None:
    module = eval_script("release_model")
    yaml_text = "\n".join(
        f"- {{id: c{i}, type: {'hijacking' if i % 3 == 0 else 'hostage'}, hostages: {i % 5}, "
        f"outcome: {'negotiated_release' if i % 2 else 'tactical_resolution'}}}"
        for i in range(12)
    )
    first = module.evaluate(load_cases(yaml_text), seed=1)
    second = module.evaluate(load_cases(yaml_text), seed=1)
    assert first == second
    assert set(first["brier"]) == {"model", "base_rate", "published"} and first["verdict"]
