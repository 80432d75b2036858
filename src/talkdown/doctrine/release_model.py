"""Release probability: a small, explainable model fitted on the case library, corrected to published rates.

What it predicts: the chance that the incident ends in a *negotiated* release or surrender (cases.yaml
outcome ``negotiated_surrender`` or ``negotiated_release``), the ending the seed-001 metric is about ("safe
release based on current negotiations").

Why this model: 40 famous cases cannot support more than a couple of features, and a team must see why the
figure moved. A ridge-penalised logistic regression on two features known from the first minutes of a live
incident and recorded for every case:
- ``political``: terrorist, hijacking, mass-hostage or diplomatic/state incident (type or tag), where
  incident-types.md says hostages are more likely to be killed;
- ``log_hostages``: log(1 + hostages still held), standardised on the library.
It is fitted with Newton steps in numpy (no sklearn: 3 parameters, and the fit must be exactly repeatable).

Why a correction: the library is a famous-case sample (19 of 41 tactical endings) while surveys put
negotiated surrender at 65 % of hostage and 72 % of barricade incidents [R31 S] (doctrine README, point 5).
The intercept is shifted by the log-odds difference between that published rate and the library rate (prior
correction for outcome-based sampling, King & Zeng 2001). The correction is an assumption that cannot be
checked on the library itself; ``eval/release_model.py`` scores the uncorrected model against the library
base rate with leave-one-out Brier scores and says whether it beats it.

Uncertainty: 200 bootstrap refits (fixed seed) give the 10th-90th percentile band shown with the figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from talkdown.domain.enums import IncidentType

Outcome = Literal[
    "negotiated_surrender", "negotiated_release", "tactical_resolution", "subject_suicide", "escape", "rescue_aborted"
]
POSITIVE = frozenset({"negotiated_surrender", "negotiated_release"})
POLITICAL = frozenset(
    {IncidentType.TERRORIST, IncidentType.HIJACKING, IncidentType.MASS_HOSTAGE, IncidentType.DIPLOMATIC_STATE}
)
FEATURES = ("political", "log_hostages")
PUBLISHED_RATE = {IncidentType.BARRICADE: 0.72}  # [R31 S]; every other type uses the hostage-incident rate
PUBLISHED_HOSTAGE_RATE = 0.65  # [R31 S] negotiated surrender, survey of ~300 US agencies (1993)
RIDGE = 1.0
BOOTSTRAPS = 200
SEED = 20260314
CASES_RESOURCE = "data/cases.yaml"

Matrix = NDArray[np.float64]


class Case(BaseModel):
    """The fields of a cases.yaml entry the model reads; the rest is the case library's business."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    type: IncidentType
    type_tags: tuple[IncidentType, ...] = ()
    hostages: int | None = None
    outcome: Outcome | None = None

    @property
    def is_political(self) -> bool:
        return self.type in POLITICAL or any(t in POLITICAL for t in self.type_tags)


def load_cases(text: str | None = None) -> list[Case]:
    """Cases from the packaged copy (or the given YAML text), validated; unknown outcomes are left out."""
    if text is None:
        text = resources.files("talkdown.doctrine").joinpath(CASES_RESOURCE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return [Case.model_validate(entry) for entry in raw]


def usable(cases: Sequence[Case]) -> list[Case]:
    return [c for c in cases if c.outcome is not None]


@dataclass(frozen=True)
class Fit:
    """Coefficients on standardised features; ``centre``/``scale`` standardise ``log_hostages``."""

    intercept: float
    coef: tuple[float, ...]
    centre: float
    scale: float
    library_rate: float
    n: int


def _design(political: Sequence[bool], hostages: Sequence[float], centre: float, scale: float) -> Matrix:
    logs = (np.log1p(np.asarray(hostages, dtype=np.float64)) - centre) / scale
    return np.column_stack([np.ones(len(logs)), np.asarray(political, dtype=np.float64), logs])


def _newton(x: Matrix, y: Matrix, ridge: float) -> Matrix:
    """Ridge-penalised logistic regression by Newton's method; the intercept is not penalised."""
    beta = np.zeros(x.shape[1])
    penalty = np.diag([0.0] + [ridge] * (x.shape[1] - 1))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (p - y) + penalty @ beta
        hess = x.T @ (x * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta = beta - step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return beta


def fit(cases: Sequence[Case], *, ridge: float = RIDGE) -> Fit:
    """Fit on cases with a known outcome; missing hostage counts take the library median."""
    rows = usable(cases)
    known = [float(c.hostages) for c in rows if c.hostages is not None]
    median = float(np.median(known)) if known else 0.0
    hostages = [float(c.hostages) if c.hostages is not None else median for c in rows]
    logs = np.log1p(np.asarray(hostages))
    centre, scale = float(logs.mean()), float(logs.std()) or 1.0
    x = _design([c.is_political for c in rows], hostages, centre, scale)
    y = np.asarray([1.0 if c.outcome in POSITIVE else 0.0 for c in rows])
    beta = _newton(x, y, ridge)
    return Fit(float(beta[0]), tuple(float(b) for b in beta[1:]), centre, scale, float(y.mean()), len(rows))


def predict(model: Fit, *, political: bool, hostages: float, corrected_to: float | None = None) -> float:
    """P(negotiated ending); ``corrected_to`` shifts the intercept from the library rate to a published rate."""
    x = _design([political], [hostages], model.centre, model.scale)[0]
    z = model.intercept + float(np.dot(x[1:], model.coef))
    if corrected_to is not None:
        z += _logit(corrected_to) - _logit(model.library_rate)
    return 1.0 / (1.0 + math.exp(-z))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Factor:
    name: str
    value: str
    effect: float  # change in log-odds against an average library case


@dataclass(frozen=True)
class ReleaseEstimate:
    """The figure the team sees, with its band, the rate it was corrected to and what moved it."""

    probability: float
    low: float
    high: float
    library_probability: float
    published_rate: float
    factors: tuple[Factor, ...]
    note: str


@cache
def fitted() -> tuple[Fit, tuple[Fit, ...]]:
    """The model on the packaged library plus its bootstrap refits; computed once per process (~50 ms)."""
    cases = usable(load_cases())
    rng = np.random.default_rng(SEED)
    boots = []
    for _ in range(BOOTSTRAPS):
        idx = rng.integers(0, len(cases), len(cases))
        sample = [cases[int(i)] for i in idx]
        if len({c.outcome in POSITIVE for c in sample}) == 2:
            boots.append(fit(sample))
    return fit(cases), tuple(boots)


def estimate(incident_type: IncidentType, *, hostages_held: int) -> ReleaseEstimate:
    """Release probability for a live incident of this type with this many hostages still held."""
    model, boots = fitted()
    political = incident_type in POLITICAL
    rate = PUBLISHED_RATE.get(incident_type, PUBLISHED_HOSTAGE_RATE)
    p = predict(model, political=political, hostages=hostages_held, corrected_to=rate)
    draws = sorted(predict(b, political=political, hostages=hostages_held, corrected_to=rate) for b in boots)
    low, high = draws[len(draws) // 10], draws[(len(draws) * 9) // 10]
    log_h = (math.log1p(hostages_held) - model.centre) / model.scale
    factors = (
        Factor("political incident type", "yes" if political else "no", model.coef[0] * float(political)),
        Factor("hostages still held", str(hostages_held), model.coef[1] * log_h),
        Factor("published base rate", f"{rate:.0%}", _logit(rate) - _logit(model.library_rate)),
    )
    note = (
        f"Fitted on {model.n} famous cases (library rate {model.library_rate:.0%}), corrected to the published "
        f"{rate:.0%}. In leave-one-out it does not beat the library base rate (eval/release_model.py): read it "
        "as a base rate for this type of incident, not a prediction (docs/metrics.md)."
    )
    library_p = predict(model, political=political, hostages=hostages_held)
    return ReleaseEstimate(p, low, high, library_p, rate, factors, note)
