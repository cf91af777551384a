"""The link stage, written once: block → compare → score → decide → cluster.

:func:`link_records` reads as the steps of the stage, whatever engine runs it:

1. encode the records, set identical copies aside, block (on this machine);
2. compare the candidate pairs chunk by chunk, on the engine;
3. merge the chunks' pattern counts; u from random pairs (compared on the engine);
   m and the prior by EM; then the kept model of earlier months unless this fit
   drifted beyond the bound (``benelink.linkage.kept``); term frequencies;
4. collect the pairs clustering reads, in two passes of the engine over the
   compared chunks (``benelink.linkage.chunks.collect_kept``);
5. finish: fill small components, lay reviewers' decisions over the model,
   cluster (``benelink.linkage.finish``).

The candidate pairs are compared and scored chunk by chunk: only the pairs
clustering reads are ever held scored, so memory grows with the matches, not
with the candidates. The engine (``benelink.linkage.engine``: local threads,
or Spark partitions) only runs the per-chunk functions and gives their results
back; every feature here therefore works on both, by construction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.block import (
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_RULES,
    BlockingRule,
    ColumnCodes,
)
from benelink.linkage.block import candidate_pairs as block_candidates
from benelink.linkage.carry import CarriedPairs
from benelink.linkage.chunks import (
    PARTITION_PAIRS,
    collect_kept,
    concat_scored,
    merged_patterns,
    summed_level_counts,
)
from benelink.linkage.compare import COMPARISONS, Codes, Comparison, encode_records
from benelink.linkage.engine import LinkEngine, LocalEngine, PairProgress
from benelink.linkage.finish import Blocking, LinkResult, across, finish_link
from benelink.linkage.identical import distinct_positions, distinct_records, identical_copies
from benelink.linkage.kept import KeptModel, choose_model, data_fingerprint
from benelink.linkage.random_pairs import (
    DEFAULT_U_PAIRS,
    DEFAULT_U_SEED,
    all_pairs_count,
    random_pairs,
)
from benelink.linkage.score import estimate_model, term_frequencies
from benelink.linkage.similarity import RecordForm
from benelink.schemas.columns import SOURCE

__all__ = ["Blocking", "LinkEngine", "LinkResult", "LocalEngine", "PairProgress", "link_records"]


def link_records(
    records: pd.DataFrame,
    settings: LinkageSettings,
    *,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    comparisons: Sequence[Comparison] = COMPARISONS,
    form: RecordForm = "clear",
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    decisions: pd.DataFrame | None = None,
    u_pairs: int = DEFAULT_U_PAIRS,
    u_seed: int = DEFAULT_U_SEED,
    link_only: bool = False,
    progress: PairProgress | None = None,
    chunk_pairs: int = PARTITION_PAIRS,
    threads: int = 0,
    engine: LinkEngine | None = None,
    kept: KeptModel | None = None,
    carried: CarriedPairs | None = None,
) -> LinkResult:
    """Link and de-duplicate standardised records (positions 0..n-1) into beneficiaries.

    ``form`` says whether ``records`` are in the clear or encoded (every record of
    a run with an encoded source): the same comparisons, judged by the form's
    similarity. ``decisions`` holds reviewers' decisions as record positions ``left``,
    ``right`` and ``decision`` ("accept" or "reject"); they override the model.
    u comes from ``u_pairs`` random pairs drawn with ``u_seed``; m and the prior
    from EM over the candidate pairs. ``link_only`` compares records of different
    ``source`` only (a link task between files that are each free of duplicates,
    as FEBRL4): pairs within one source are dropped from the candidates, the
    random pairs and the prior's population. ``progress`` hears how many pairs
    have been compared, chunk by chunk (chunks of at most ``chunk_pairs``).
    ``engine`` runs the work on the candidate pairs: None is the local engine on
    ``threads`` threads (0: one per CPU), or ``SparkEngine(spark)``
    (``benelink.linkage.spark``); blocking runs here on ``threads`` threads
    whatever the engine. The result does not depend on the engine, the chunk size
    or the threads. ``kept`` is the model earlier months kept: it is used instead of this
    month's fit unless ``settings.refit_model`` or this fit drifted beyond the settings'
    bound (the result's ``model_choice`` says which, and why). ``carried``: last month's
    pairs among the records that did not change, which keep their probability
    (``linkage.carry``).
    """
    n = len(records)
    comps = tuple(comparisons)
    arr = encode_records(records, form)
    # a link-only task keeps the copies within a source apart, so none is set aside
    column_codes = ColumnCodes(records)  # each blocking column grouped once, for both
    copies = (
        None
        if link_only
        else identical_copies(
            arr, records, rules, decided_positions(decisions), column_codes=column_codes
        )
    )
    candidates = block_candidates(
        records,
        settings.max_candidate_pairs,
        rules,
        max_block_size,
        threads,
        copies,
        column_codes=column_codes,
    )
    del column_codes
    source = _source_codes(records) if link_only else None
    left, right = across(source, candidates.left, candidates.right)
    blocking = Blocking.of(candidates, len(left))
    del candidates
    if progress is not None:
        progress.size(len(left), "pairs")

    on = LocalEngine(threads) if engine is None else engine
    with on.compare(arr, comps, left, right, chunk_pairs=chunk_pairs, progress=progress) as pairs:
        patterns, counts = merged_patterns(pairs.patterns(), len(comps))
        # u, the prior's population and the term frequencies are about different people:
        # identical copies count once
        distinct = distinct_positions(n, copies)
        u_left, u_right = (distinct[p] for p in random_pairs(len(distinct), u_pairs, u_seed))
        u_left, u_right = across(source, u_left, u_right)
        fitted = estimate_model(
            comps,
            patterns,
            counts,
            settings.em_max_iterations,
            random_counts=summed_level_counts(pairs.level_counts(u_left, u_right), comps),
            population_pairs=all_pairs_count(len(distinct))
            if source is None
            else _across_count(source[distinct]),
            form=arr.form,
        )
        choice = choose_model(
            fitted,
            data_fingerprint(comps, patterns, counts),
            kept,
            refit=settings.refit_model,
            max_change=settings.drift_max_change,
            max_prior_factor=settings.drift_max_prior_factor,
        )
        model = choice.model
        tf = term_frequencies(distinct_records(arr, distinct), comps)
        floor = settings.review_threshold
        scored = collect_kept(
            n,
            settings.match_threshold,
            decisions,
            lambda labels: concat_scored(pairs.kept(model, tf, floor, labels), len(comps)),
        )
    # the compared chunks are released: clustering runs beside the kept pairs only
    result = finish_link(
        arr,
        settings,
        comps,
        decisions,
        model,
        tf,
        blocking,
        scored,
        source=source,
        carried=carried,
    )
    return dataclasses.replace(result, model_choice=choice)


def decided_positions(decisions: pd.DataFrame | None) -> npt.NDArray[np.int64]:
    """The records a reviewer has decided on (never treated as identical copies)."""
    if decisions is None or decisions.empty:
        return np.zeros(0, dtype=np.int64)
    both = decisions[["left", "right"]].to_numpy(dtype=np.int64).ravel()
    return np.unique(both)


def _source_codes(records: pd.DataFrame) -> Codes:
    """One integer per source name (missing sources share one code)."""
    codes, _ = pd.factorize(records[SOURCE].astype("string").fillna(""))
    return np.asarray(codes, dtype=np.int32)


def _across_count(source: Codes) -> int:
    """Pairs of records from two different sources."""
    sizes = np.bincount(source).astype(np.int64)
    return int((sizes.sum() ** 2 - (sizes**2).sum()) // 2)
