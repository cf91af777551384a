"""What a month's run needs of the months before it, read once at its start.

A run carries ids forward from the identity registry, compares with last
month's people, links with the model earlier months kept and follows the
reviewers' decisions. All of it is read here,
before any stage runs, so that a damaged file or a wrong key stops the run
in its first second with one line naming the file — not after the link
stage, and never with a parser's traceback.

Two checks guard the identities:

* the key: every registry file of every month (the month being re-run
  included) must carry this key's fingerprint, or every person would get a
  new id;
* the registry itself: when last month's snapshot exists but its registry
  file does not (the ``state/`` folder was lost or not restored with the
  snapshots), the registry is rebuilt by replaying the snapshots' record
  tokens, identifier tokens and ids month by month — what the registry held, since every id a
  registry gave was published in a snapshot — and the run says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benelink.errors import KeyError_
from benelink.io import review as review_io
from benelink.io import snapshot, state
from benelink.io.layout import OutputLayout
from benelink.linkage.kept import KeptModel, kept_model
from benelink.pipelines.flows import FLOW_COLUMNS
from benelink.pipelines.registry import updated_registry
from benelink.schemas.review import TypedReview

LAST_LINKS = ["left_token", "right_token", "probability"]


@dataclass(frozen=True)
class Past:
    """Earlier months, as a run of ``month`` sees them."""

    month: str
    previous: Path | None  # the latest complete snapshot before the month
    registry: pd.DataFrame | None  # every record token seen before, with its id
    rebuilt_from: tuple[str, ...]  # snapshot months replayed because the registry was missing
    last_ids: frozenset[str]  # ids of the previous snapshot
    decisions: pd.DataFrame | None  # every reviewer decision so far
    # the month's review files as a reviewer changed them since its last run (not applied yet)
    typed_reviews: tuple[TypedReview, ...]
    previous_report: dict[str, Any] | None  # the previous snapshot's report.json
    model: KeptModel | None = None  # the link model the latest earlier month used
    # the previous snapshot's people, as flows read them (``pipelines.flows.FLOW_COLUMNS``)
    last_people: pd.DataFrame | None = None
    # the previous snapshot's links (``LAST_LINKS``): unchanged pairs keep their probability
    last_links: pd.DataFrame | None = None
    previous_month: str | None = None  # the month of ``previous``


def read_past(out_dir: Path, month: str, fingerprint: str) -> Past:
    """Everything of earlier months a run of ``month`` under this key reads."""
    check_registry_key(out_dir, fingerprint)
    earlier = [m for m in snapshot.snapshot_months(out_dir) if m < month]
    previous = snapshot.month_dir(out_dir, earlier[-1]) if earlier else None
    registry_months = state.registry_months(out_dir)
    rebuilt: tuple[str, ...] = ()
    if earlier and earlier[-1] not in registry_months:
        registry = _rebuilt(out_dir, earlier, fingerprint)
        rebuilt = tuple(earlier)
    else:
        registry = state.read_registry(out_dir, month)
    last_ids: frozenset[str] = frozenset()
    previous_report: dict[str, Any] | None = None
    people: pd.DataFrame | None = None
    if previous is not None:
        people = snapshot.read_table(previous, "beneficiaries", FLOW_COLUMNS)
        last_ids = frozenset(people["beneficiary_id"].astype(str))
        if (previous / "report.json").is_file():
            previous_report = snapshot.read_json(previous / "report.json")
    return Past(
        month=month,
        previous=previous,
        registry=registry,
        rebuilt_from=rebuilt,
        last_ids=last_ids,
        decisions=review_io.read_decisions(out_dir),
        typed_reviews=tuple(review_io.read_typed_reviews(out_dir, month)),
        previous_report=previous_report,
        model=_kept_model(out_dir, month),
        last_people=people,
        last_links=snapshot.read_table(previous, "links", LAST_LINKS) if previous else None,
        previous_month=earlier[-1] if earlier else None,
    )


def _kept_model(out_dir: Path, month: str) -> KeptModel | None:
    """The model kept by the latest month before ``month`` (None: the month fits one)."""
    document = state.read_model(out_dir, month)
    if document is None:
        return None
    try:
        return kept_model(document)
    except ValueError as exc:
        earlier = [m for m in OutputLayout(out_dir).model_months() if m < month][-1]
        raise snapshot.damaged(
            OutputLayout(out_dir).model(earlier),
            exc,
            state.REFIT,
        ) from None


def check_registry_key(out_dir: Path, fingerprint: str) -> None:
    """Refuse a key other than the one every registry file was made with."""
    found = state.registry_fingerprints(out_dir)
    wrong = sorted(m for m, fp in found.items() if fp is not None and fp != fingerprint)
    if not wrong:
        return
    months = ", ".join(wrong[:3]) + (f" and {len(wrong) - 3} more" if len(wrong) > 3 else "")
    raise KeyError_(
        f"this key (fingerprint {fingerprint}) is not the key of the identity registry of "
        f"{months} in {OutputLayout(out_dir).state} (fingerprint {found[wrong[0]]}): with another key "
        "every beneficiary would get a new id. Use the key of earlier runs, or change keys "
        "with `benelink rotate-key` (see docs/keys.md)"
    )


def _rebuilt(out_dir: Path, months: list[str], fingerprint: str) -> pd.DataFrame | None:
    """The registry replayed from the snapshots of ``months`` (which must share this key)."""
    registry: pd.DataFrame | None = None
    for month in months:
        folder = snapshot.month_dir(out_dir, month)
        made_with = snapshot.read_json(folder / "manifest.json").get("key_fingerprint")
        if made_with != fingerprint:
            raise KeyError_(
                f"the identity registry for {months[-1]} is missing from {OutputLayout(out_dir).state} "
                f"and cannot be rebuilt: the snapshot of {month} was made under key "
                f"{made_with}, not this key ({fingerprint}); restore the state folder from a "
                "backup, or run with the key of that snapshot"
            )
        records = snapshot.read_table(folder, "records")  # with its identifier tokens
        people = snapshot.read_table(
            folder, "beneficiaries", ["beneficiary_id", "first_seen_month"]
        )
        born = people.set_index("beneficiary_id")["first_seen_month"]
        merges: list[tuple[str, str]] = []
        if (folder / "report.json").is_file():
            report = snapshot.read_json(folder / "report.json")
            found = report.get("beneficiaries", {}).get("merges", [])
            merges = [(str(m["absorbed"]), str(m["kept"])) for m in found]
        registry = updated_registry(
            registry,
            records["record_token"],
            records["beneficiary_id"],
            month,
            records["beneficiary_id"].map(born).fillna(month),
            merges,
            records.reindex(columns=list(state.IDENTIFIER_TOKENS)),
        )
    return registry
