"""The link stage of a month: every record, clear or encoded, linked into people.

When a partner sent an encoded file, every record is linked in encoded form
(the clear ones encoded in memory, ``pipelines.encoded.link_inputs``), so a
clear record and an encoded one meet in one comparable form. Reviewers'
decisions are laid over the model. Once linked, only the fields the output
tables read are kept, with each record's person keys (keyed codes of its name
and birth date, for the identity registry), and of the partners' raw fields
only the queued records' (and every record's own record id): names, id numbers
and phones leave memory here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.anonymize.person_keys import RECORD_DIGEST, person_keys, record_digests
from benelink.arrow_text import arrow_series
from benelink.config.model import LinkageSettings
from benelink.io.state import IDENTIFIER_TOKENS
from benelink.linkage.carry import CarriedPairs
from benelink.linkage.compare import COMPARED_COLUMNS, Codes
from benelink.linkage.kept import KeptModel
from benelink.linkage.link import LinkResult, PairProgress
from benelink.linkage.similarity import RecordForm
from benelink.pipelines.encoded import EncodedSource, link_inputs
from benelink.pipelines.outputs import output_fields
from benelink.pipelines.registry import registry_rows, remembered_tokens
from benelink.pipelines.review import decisions_by_position, review_readings
from benelink.pipelines.review_queue import queued_rows
from benelink.threads import alongside

# the engine's link function: records, settings, decisions (as positions), form, progress,
# the model earlier months kept, and last month's pairs among unchanged records
Linker = Callable[
    [
        pd.DataFrame,
        LinkageSettings,
        pd.DataFrame | None,
        RecordForm,
        PairProgress,
        KeptModel | None,
        CarriedPairs | None,
    ],
    LinkResult,
]


@dataclass(frozen=True)
class LastMonth:
    """What the link stage needs of last month, beside the registry (each record's
    digest and last month seen), to keep unchanged pairs' decisions: its links
    (``left_token``, ``right_token``, ``probability``) and the month."""

    links: pd.DataFrame
    month: str


@dataclass(frozen=True)
class LinkedMonth:
    """The month's records (output fields only) and how they were linked, in one order;
    of the partners' raw fields, the queued records' only (by position) and every
    record's own record id."""

    records: pd.DataFrame
    # the raw fields a reviewer reads, of the records the review queue shows only, indexed
    # by position (review_queue.queued_rows): the rest of the month's names leave memory
    review_fields: pd.DataFrame
    # each record's id in its partner's file (<NA> for an encoded record), by position,
    # for the officers' caseload lists
    source_record_ids: pd.Series
    result: LinkResult
    # the review queue: benelink's reading of its records' fields (only theirs, by
    # position), and the form the records were compared in (it words the levels)
    review_readings: pd.DataFrame
    form: RecordForm
    # per record, the registry's ``CODE_COLUMNS``: the keyed codes of its name and birth
    # date (anonymize.person_keys), by which a re-registered person is known again, and
    # the digest of its compared columns, by which next month knows it unchanged
    codes: pd.DataFrame

    def registry_columns(self) -> pd.DataFrame:
        """Per record, what the registry keeps beside its id: its identifier tokens, its
        person keys and its record digest."""
        tokens = self.records.reindex(columns=list(IDENTIFIER_TOKENS)).reset_index(drop=True)
        return pd.concat([tokens, self.codes.reset_index(drop=True)], axis=1)

    def counts(self) -> dict[str, int]:
        """The run log's figures of the link stage."""
        pairs, result = self.result.pairs, self.result
        skipped = {f"skipped_records_{r}": n for r, n in result.skipped_records.items() if n}
        return {
            "candidate_pairs": result.n_candidate_pairs,
            "max_block_size": result.max_block_size,
            "matches": int((pairs["decision"] == "match").sum()),
            "review": int((pairs["decision"] == "review").sum()),
            # records blocking could not pair (blocks over the cap), and identical copies
            "identical_records": result.identical_records,
            "skipped_records": sum(result.skipped_records.values()),
            **skipped,
        }


def link_month(
    records: pd.DataFrame,
    review_fields: pd.DataFrame,
    encoded: Sequence[EncodedSource],
    key: bytes,
    decisions: pd.DataFrame | None,
    settings: LinkageSettings,
    linker: Linker,
    progress: PairProgress,
    kept: KeptModel | None = None,
    last_month: LastMonth | None = None,
    registry: pd.DataFrame | None = None,
) -> LinkedMonth:
    """Link the month's pseudonymised clear records with the encoded sources' records,
    with the model earlier months ``kept`` unless it is to be fitted again; pairs of
    records unchanged since ``last_month`` keep its probabilities (None: a first month,
    or a refit asked for, which judges every pair again). The identity ``registry``
    (None in a first month) gives the identifiers clustering keeps apart, refit or not:
    a refit judges pairs again, it does not forget whose number a record carried."""
    link_frame, clear = records, records
    form: RecordForm = "clear"
    if encoded:
        prepared = link_inputs(records, [e.records for e in encoded], key)
        link_frame, records, form = prepared.records, prepared.outputs, prepared.form
        # encoded records have no raw fields to review: their rows hold the source only
        extra = pd.DataFrame({"source": records["source"].iloc[len(review_fields) :].to_numpy()})
        review_fields = pd.concat([review_fields, extra], ignore_index=True)
    tokens = records["record_token"]
    # what the registry keeps of each record is computed beside the link, but for the
    # digests that last month's unchanged pairs are found by
    digests: npt.NDArray[np.int64] | None = None
    carried = CarriedPairs.none(len(tokens))
    if last_month is not None and registry is not None:
        digests = record_digests(link_frame, key, COMPARED_COLUMNS)
        carried = carried_pairs(tokens, digests, last_month, registry)
    with alongside(functools.partial(_registry_codes, link_frame, key, digests)) as codes:
        if registry is not None:
            identifiers = remembered_identifiers(tokens, records, registry)
            carried = dataclasses.replace(carried, identifiers=identifiers)
        result = linker(
            link_frame,
            settings,
            decisions_by_position(decisions, tokens),
            form,
            progress,
            kept,
            carried,
        )
        readings = review_readings(clear, result.pairs)  # the queued records' only
    return LinkedMonth(
        output_fields(records),
        queued_rows(review_fields, result.pairs),
        _source_record_ids(review_fields),
        result,
        readings,
        form,
        codes.result(),
    )


def _source_record_ids(review_fields: pd.DataFrame) -> pd.Series:
    if "source_record_id" in review_fields:
        return review_fields["source_record_id"].reset_index(drop=True)
    return pd.Series(pd.NA, index=pd.RangeIndex(len(review_fields)), dtype="string")


def _registry_codes(
    link_frame: pd.DataFrame, key: bytes, digests: npt.NDArray[np.int64] | None
) -> pd.DataFrame:
    """Each record's person keys and record digest, by position (``digests``: computed
    already, or None)."""
    if digests is None:
        digests = record_digests(link_frame, key, COMPARED_COLUMNS)
    return person_keys(link_frame, key).reset_index(drop=True).assign(**{RECORD_DIGEST: digests})


def carried_pairs(
    tokens: pd.Series, digests: np.ndarray, last: LastMonth, registry: pd.DataFrame
) -> CarriedPairs:
    """Last month's links among this month's records that did not change, by position,
    and the id each such record had (``CarriedPairs.held``).

    A record is unchanged when the registry saw it last month with the same
    digest of its compared columns; a token twice in the month is not (which copy
    was last month's cannot be told).
    """
    text = tokens.astype(str).to_numpy()
    seen = registry[registry["last_seen_month"].astype(str) == last.month]
    if seen.empty:
        return CarriedPairs.none(len(text))
    at = pd.Index(seen["record_token"].astype(str)).get_indexer(pd.Index(text))  # -1: not then
    # compared as int64 throughout: through a float (pandas' map with a gap) a digest
    # would lose its last bits
    digest_then = seen[RECORD_DIGEST].to_numpy(dtype=np.int64)
    same = (at >= 0) & (digest_then[np.maximum(at, 0)] == digests)
    once = ~pd.Series(text).duplicated(keep=False).to_numpy()
    unchanged = same & once & (digests != 0)
    position = pd.Series(np.arange(len(text)), index=text)[unchanged]
    held_then, _ = pd.factorize(seen["beneficiary_id"])
    held = np.where(unchanged, held_then[np.maximum(at, 0)], -1).astype(np.int32)
    links = last.links
    left = links["left_token"].astype(str).map(position)
    right = links["right_token"].astype(str).map(position)
    both = (left.notna() & right.notna()).to_numpy()
    return CarriedPairs(
        unchanged,
        left[both].to_numpy(dtype=np.int64),
        right[both].to_numpy(dtype=np.int64),
        links["probability"].to_numpy(dtype=np.float64)[both],
        held=held,
    )


def remembered_identifiers(
    tokens: pd.Series, records: pd.DataFrame, registry: pd.DataFrame
) -> tuple[Codes, ...]:
    """Per identifier of ``IDENTIFIER_TOKENS``, a code per record for clustering's
    cannot-link: its own keyed token, else the one the registry remembers for its
    record token (``linkage.carry``); -1 where neither is known.

    Two records keep apart exactly when their numbers, this month's or remembered,
    name two people. Numbers the registry holds under one beneficiary alone get that
    beneficiary's code: UNHCR re-registers a refugee under a new individual id while
    the job-seeker registry keeps the old one in its "UNHCR No", and both are hers. A
    number is remembered, never compared: the pair's score reads this month's fields
    alone.
    """
    out = []
    rows = registry_rows(registry, tokens)
    index = pd.RangeIndex(len(tokens))
    person, people = pd.factorize(registry["beneficiary_id"])  # once, for every identifier
    for column in IDENTIFIER_TOKENS:
        own = (
            records[column].reset_index(drop=True)
            if column in records.columns
            else pd.Series(None, index=index, dtype=object, name=column)
        )
        known = arrow_series(remembered_tokens(registry, rows, own), index)
        held = registry[column] if column in registry.columns else None
        out.append(_person_codes(known, held, person, len(people)))
    return tuple(out)


def _person_codes(
    known: pd.Series, held: pd.Series | None, person: npt.NDArray[np.intp], people: int
) -> Codes:
    """A code per token of ``known``: its beneficiary's, where the registry holds the token
    (``held``, per registry row, beside each row's ``person`` code of ``people``) under
    one beneficiary only, else the token's own (-1: no token)."""
    codes, distinct = pd.factorize(known, use_na_sentinel=True)
    if held is None or not len(distinct):
        return np.asarray(codes, dtype=np.int32)
    token = pd.Index(distinct).get_indexer(held)  # -1: not a token of this month, or none
    pairs = pd.DataFrame({"token": token, "person": person})
    pairs = pairs[pairs["token"] >= 0].drop_duplicates()
    sole = pairs.drop_duplicates("token", keep=False)  # tokens under one beneficiary
    holder = np.full(len(distinct), -1, dtype=np.int64)
    holder[sole["token"].to_numpy()] = sole["person"].to_numpy()
    # a beneficiary's code, else the token's own, numbered after every beneficiary's
    per_token = np.where(holder >= 0, holder, people + np.arange(len(distinct)))
    return np.where(codes >= 0, per_token[np.maximum(codes, 0)], -1).astype(np.int32)
