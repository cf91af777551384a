"""The link model, fitted once and then kept from month to month.

Re-fitting the Fellegi–Sunter model every month moves its parameters a little
each time, and a pair whose two records did not change then crosses the match
threshold one month and back the next: its people swap ids, split and merge
again. So a month reuses the model an earlier month fitted — the same m, u and
prior give the same match weight to the same comparison vector, so an unchanged
pair keeps its decision — and the model is fitted again only:

* when asked (``benelink run --refit-model``, or ``[linkage] refit_model = true``);
* when no kept model fits this month's comparisons (a first month, a release
  that changed the comparisons, a month linked in encoded form after clear ones);
* when this month's data has drifted: EM still runs on every month's candidate
  pairs (it costs well under a second), and when the model it finds moves any
  level's m or u by more than ``drift_max_change`` (absolute, default 0.05), or
  the prior by more than a factor ``drift_max_prior_factor`` (default 2), the new
  fit is used and kept from then on (docs/linkage.md).

The term-frequency adjustments are not kept: they are tables over name values,
computed again from each month's records (they would need the names, or keyed
tokens of them, in the state).

Nothing here reads or writes a file: the model's JSON form goes to and comes from
the state through ``io.state`` (it holds probabilities only, no value of a record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from benelink.linkage.compare import Comparison, Floats, Levels
from benelink.linkage.score import Model
from benelink.linkage.similarity import RecordForm

MODEL_FORMAT: Final = 1
DEFAULT_MAX_CHANGE: Final = 0.05
DEFAULT_MAX_PRIOR_FACTOR: Final = 2.0

Status = Literal["fitted", "kept", "refitted"]


@dataclass(frozen=True)
class KeptModel:
    """A model as the state keeps it: its parameters, the month that fitted it and the
    fingerprint of the comparison data it was fitted on."""

    fitted_month: str
    data_fingerprint: str
    form: str
    comparisons: tuple[str, ...]
    m: tuple[Floats, ...]
    u: tuple[Floats, ...]
    lambda_: float
    iterations: int

    def as_model(self, comparisons: Sequence[Comparison], form: RecordForm) -> Model | None:
        """The kept parameters over this run's comparisons; None when they do not fit
        (other comparisons, other levels, or the other record form)."""
        comps = tuple(comparisons)
        if form != self.form or tuple(c.name for c in comps) != self.comparisons:
            return None
        if any(len(m) != c.top_level + 2 for m, c in zip(self.m, comps, strict=True)):
            return None
        return Model(comps, self.m, self.u, self.lambda_, self.iterations, form)


@dataclass(frozen=True)
class Drift:
    """How far this month's fit lies from the kept model."""

    m: float  # the largest change of any level's m
    u: float  # the largest change of any level's u
    prior_factor: float  # the prior's ratio, >= 1 whichever is larger

    def beyond(self, max_change: float, max_prior_factor: float) -> str | None:
        """Why the drift is beyond the bound, or None."""
        found = []
        if self.m > max_change:
            found.append(f"an m moved by {self.m:.3f} (bound {max_change})")
        if self.u > max_change:
            found.append(f"a u moved by {self.u:.3f} (bound {max_change})")
        if self.prior_factor > max_prior_factor:
            found.append(
                f"the prior moved by a factor {self.prior_factor:.2f} (bound {max_prior_factor})"
            )
        return "; ".join(found) or None


@dataclass(frozen=True)
class ModelChoice:
    """The model a month used, and why."""

    model: Model
    status: Status  # fitted (no model before), kept, refitted
    reason: str
    fitted_month: str | None  # None: fitted in this month
    data_fingerprint: str  # of the data the used model was fitted on
    drift: Drift | None = None  # this month's fit against the kept model, when there was one


def data_fingerprint(
    comparisons: Sequence[Comparison], patterns: Levels, counts: npt.NDArray[np.int64]
) -> str:
    """A digest of what EM saw: the comparisons and the count of every distinct comparison
    vector (counts of level patterns, no value of a record). Same data, same digest."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(c.name for c in comparisons).encode("utf-8"))
    digest.update(np.ascontiguousarray(patterns, dtype=np.int8).tobytes())
    digest.update(np.ascontiguousarray(counts, dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]


def drift(kept: Model, fitted: Model) -> Drift:
    """The largest m and u changes and the prior's factor between two models."""

    def largest(a: Sequence[Floats], b: Sequence[Floats]) -> float:
        return max(
            (float(np.abs(x[1:] - y[1:]).max()) for x, y in zip(a, b, strict=True)), default=0.0
        )

    ratio = fitted.lambda_ / kept.lambda_
    return Drift(largest(kept.m, fitted.m), largest(kept.u, fitted.u), max(ratio, 1.0 / ratio))


def choose_model(
    fitted: Model,
    fingerprint: str,
    kept: KeptModel | None,
    *,
    refit: bool,
    max_change: float = DEFAULT_MAX_CHANGE,
    max_prior_factor: float = DEFAULT_MAX_PRIOR_FACTOR,
) -> ModelChoice:
    """This month's fit, or the kept model: see the module's rules."""
    if kept is None:
        return ModelChoice(fitted, "fitted", "no earlier model", None, fingerprint)
    earlier = kept.as_model(fitted.comparisons, fitted.form)
    if earlier is None:
        reason = "the kept model does not fit this run's comparisons or record form"
        return ModelChoice(fitted, "refitted", reason, None, fingerprint)
    moved = drift(earlier, fitted)
    if refit:
        return ModelChoice(fitted, "refitted", "asked for (refit_model)", None, fingerprint, moved)
    beyond = moved.beyond(max_change, max_prior_factor)
    if beyond is not None:
        return ModelChoice(fitted, "refitted", f"drift: {beyond}", None, fingerprint, moved)
    reason = "drift within the bound"
    return ModelChoice(earlier, "kept", reason, kept.fitted_month, kept.data_fingerprint, moved)


def model_document(choice: ModelChoice, month: str) -> dict[str, Any]:
    """The JSON the state keeps after ``month``: the model the month used, exactly (JSON
    floats round-trip), with the month that fitted it."""
    model = choice.model
    return {
        "format": MODEL_FORMAT,
        "used_in": month,
        "fitted_month": choice.fitted_month or month,
        "data_fingerprint": choice.data_fingerprint,
        "status": choice.status,
        "reason": choice.reason,
        "form": model.form,
        "prior": float(model.lambda_),
        "iterations": int(model.iterations),
        "comparisons": [
            {"name": c.name, "m": [float(v) for v in m], "u": [float(v) for v in u]}
            for c, m, u in zip(model.comparisons, model.m, model.u, strict=True)
        ],
    }


def kept_model(document: dict[str, Any]) -> KeptModel:
    """The model of a state document (``model_document``); ValueError when malformed."""
    try:
        if document["format"] != MODEL_FORMAT:
            raise ValueError(f"format {document['format']!r}")
        comparisons = document["comparisons"]
        m = tuple(np.asarray(c["m"], dtype=np.float64) for c in comparisons)
        u = tuple(np.asarray(c["u"], dtype=np.float64) for c in comparisons)
        prior = float(document["prior"])
        if not 0.0 < prior < 1.0 or any(len(a) != len(b) for a, b in zip(m, u, strict=True)):
            raise ValueError("parameters")
        return KeptModel(
            fitted_month=str(document["fitted_month"]),
            data_fingerprint=str(document["data_fingerprint"]),
            form=str(document["form"]),
            comparisons=tuple(str(c["name"]) for c in comparisons),
            m=m,
            u=u,
            lambda_=prior,
            iterations=int(document["iterations"]),
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"missing or wrong field: {exc}") from None
