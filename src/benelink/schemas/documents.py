"""The shape of the two documents a run writes beside its tables: report.json and
manifest.json.

Programme staff read the report (as report.html), donors and scripts read its
JSON, operators and auditors read the manifest; each key is part of the
contract, so each is declared here and mypy checks every place that builds or
reads one.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class InputSummary(TypedDict):
    source: str
    kind: str
    file: str
    sha256: str
    rows: int
    rejected_rows: int


class Histogram(TypedDict):
    edges: list[float]
    counts: list[int]


class LevelParameters(TypedDict):
    comparison: str
    level: int
    label: str
    m: float
    u: float
    weight: float


class ModelDrift(TypedDict):
    max_m_change: float
    max_u_change: float
    prior_factor: float


class ModelUsed(TypedDict):
    """Which link model the month used: fitted now, kept from an earlier month, or refitted."""

    status: str  # fitted | kept | refitted
    fitted_month: str
    data_fingerprint: str  # of the comparison data the model was fitted on
    reason: str
    drift: NotRequired[ModelDrift]  # this month's fit against the kept model


class LinkageSection(TypedDict):
    candidate_pairs: int
    max_block_size: int
    max_block_size_configured: int
    max_candidate_pairs: int
    scored_pairs: int
    match_threshold: float
    review_threshold: float
    matches: int  # pairs scored at or above the match threshold
    matches_merged: int  # of them, pairs whose records are one beneficiary
    matches_kept_apart: int  # of them, pairs the clustering kept apart
    review_band: int
    links_by_source_pair: dict[str, dict[str, int]]
    probability_histogram: Histogram
    prior_match_probability: float
    parameters: list[LevelParameters]
    identical_records: int  # copies linked through their representative
    skipped_records: dict[str, int]  # per blocking rule: records left in no block
    model: NotRequired[ModelUsed]


class Merge(TypedDict):
    absorbed: str
    kept: str


class Split(TypedDict):
    previous: str
    new: str


class BeneficiariesSection(TypedDict):
    total: int
    by_sources: dict[str, int]
    new: int
    continuing: int
    returning: int
    # of the continuing and returning: kept their id through a new record's identifier token
    re_registered: int
    exited: int
    merges: list[Merge]
    splits: list[Split]
    with_conflict: int


class Graduation(TypedDict):
    """A programme's people this month and where its job seekers stand (a stock)."""

    beneficiaries: int
    job_seekers: int
    in_training: int
    employed: int  # wage employment only
    self_employed: int
    in_work: int  # employed + self_employed


class Flows(TypedDict):
    """Movements between last month and this month (``pipelines.flows.DEFINITIONS``)."""

    beneficiaries_last_month: int
    entered: int
    left: int
    moved_into_training: int
    moved_into_work: int
    moved_into_employment: int
    moved_into_self_employment: int
    moved_out_of_work: int
    left_while_in_work: int
    job_seekers_not_in_work_last_month: int
    job_seekers_in_work_last_month: int
    entry_rate: float | None
    exit_rate: float | None
    into_work_rate: float | None
    out_of_work_rate: float | None
    left_while_in_work_share: float | None


class FlowsSection(TypedDict):
    previous_month: str
    naf: Flows
    unhcr: Flows
    cash_assistance: Flows  # on either programme, each person once


class OfficerRow(TypedDict):
    """One caseload (an officer's, or the centre's: every job seeker)."""

    officer: str
    job_seekers: int
    naf: int  # of them on NAF cash assistance
    unhcr: int  # of them registered with UNHCR
    new_this_month: int
    in_training: int
    employed: int
    self_employed: int
    in_work: int
    # null in a first month: there is no last month to compare with
    job_seekers_last_month: int | None
    moved_into_work: int | None
    moved_out_of_work: int | None
    moved_into_training: int | None
    left_caseload: int | None
    into_work_rate: float | None


class Breakdown(TypedDict):
    """Counts per category (small cells null: withheld by the release's k)."""

    categories: list[str]
    counts: dict[str, list[int | None]]  # measure -> one count per category


class TrendPoint(TypedDict):
    """One month's headline figures, for the trend charts."""

    month: str
    beneficiaries: int
    naf: int
    unhcr: int
    job_seekers: int
    in_work: int  # on NAF or UNHCR, a job seeker in work
    moved_into_work: int | None  # of cash assistance as a whole
    left_while_in_work: int | None


class Risk(TypedDict):
    rows: int
    smallest_group_sizes: list[int]
    rows_below_k: int
    share_below_k: float


class DisclosureSection(TypedDict):
    k: int
    quasi_identifiers: list[str]
    action: str
    before: Risk
    after: Risk
    generalisation_steps: list[str]
    suppressed_records: int
    release_protected: bool
    statement: str


class DecisionsApplied(TypedDict):
    accept: int
    reject: int


class ReviewerCount(TypedDict):
    month: str  # the month of the review file the decisions came from
    reviewer: str  # as typed in the file, else the account that applied it
    accept: int
    reject: int


class ReviewSection(TypedDict):
    queue: int
    queue_file: str  # relative to the output folder
    decisions_applied: DecisionsApplied
    decisions_to_settle: int  # the queue's first pair of each two people: they settle the month
    carried_over: int  # queued pairs keeping what was typed in the month's previous review files
    decisions_by_reviewer: list[ReviewerCount]  # the audit trail: decisions in force


class SourceRecords(TypedDict):
    """One source's kept records: how many lack each field the source sends (linked on
    what they have), and the identifiers found in another column and moved where they
    belong ("from -> to": values)."""

    records: int
    without: dict[str, int]
    rerouted: dict[str, int]


class Report(TypedDict):
    """report.json: every figure of the merge report (report.html is rendered from it)."""

    month: str
    inputs: list[InputSummary]
    rejects: dict[str, dict[str, int]]  # source -> reason -> rows
    records: dict[str, SourceRecords]  # source -> what its kept records have
    linkage: LinkageSection
    beneficiaries: BeneficiariesSection
    graduation: dict[str, Graduation]  # naf, unhcr
    flows: NotRequired[FlowsSection]  # absent in a first month
    officers: list[OfficerRow]
    centre: OfficerRow  # every job seeker, whatever their officer
    trend: list[TrendPoint]  # every month so far, oldest first, this one last
    breakdowns: dict[str, Breakdown]  # sex, age_band, governorate, nationality
    definitions: dict[str, str]  # every figure in words
    caseload_lists: NotRequired[str]  # restricted folder of the officers' lists, when written
    identity_registry_rebuilt_from: NotRequired[list[str]]
    disclosure: DisclosureSection
    review: ReviewSection
    quality: NotRequired[dict[str, object]]


class ManifestChanges(TypedDict):
    new: int
    continuing: int
    exited: int


class Manifest(TypedDict):
    """manifest.json: what the run read, with which key and release, and how long it took."""

    month: str
    benelink_version: str
    schema_version: str
    token_version: str
    key_fingerprint: str
    config_sha256: str
    inputs: list[InputSummary]
    beneficiaries: ManifestChanges
    stage_seconds: dict[str, float]
    created_at: str
