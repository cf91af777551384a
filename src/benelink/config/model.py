"""Typed configuration: what ``config/benelink.toml`` may say, validated once.

The TOML format is a contract with data officers, so every section is a frozen
pydantic model that forbids unknown keys: a typo in a key is an error naming
that key, never a silently ignored setting.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from benelink.schemas.columns import CANONICAL_COLUMNS, SourceKind

# "encoded": a file written by `benelink encode` (tokens and name encodings, docs/encoding.md)
FileFormat = Literal["csv", "xlsx", "parquet", "encoded"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RunSettings(_Frozen):
    """Where a month's files come from, where outputs go, where the key lives."""

    incoming: str = Field(description="Folder holding one month's files; {month} = YYYY-MM.")
    out: Path = Path("out")
    key_env: str | None = "BENELINK_KEY"
    key_file: Path | None = None
    # threads reading and validating the files and comparing pairs; 0 = one per CPU
    threads: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _one_key_source(self) -> RunSettings:
        if self.key_env is None and self.key_file is None:
            raise ValueError("set key_env or key_file so the run can find its secret key")
        return self


class SourceSettings(_Frozen):
    """One partner file: where it is, what kind it is, how its columns are named."""

    file: str
    kind: SourceKind
    format: FileFormat | None = None
    max_reject_rate: float = Field(default=0.05, ge=0.0, le=1.0)
    columns: dict[str, str] = Field(default_factory=dict, validate_default=True)
    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @field_validator("file")
    @classmethod
    def _inside_the_month_folder(cls, file: str) -> str:
        """A file name inside the month's folder: never an absolute path nor a ``..`` part,
        in either spelling of a path (a configuration may travel between systems)."""
        windows = PureWindowsPath(file)
        if PurePosixPath(file).is_absolute() or windows.is_absolute() or windows.drive:
            why = "it is an absolute path"
        elif ".." in windows.parts:
            why = "it has a '..' part"
        elif not file.strip():
            why = "it is empty"
        else:
            return file
        raise ValueError(
            f"{file!r} does not name a file inside the month's folder ({why}); "
            'give the partner file\'s name as it stands in that folder, such as "naf.xlsx"'
        )

    @field_validator("columns")
    @classmethod
    def _known_canonical_names(
        cls, columns: dict[str, str], info: ValidationInfo
    ) -> dict[str, str]:
        unknown = sorted(set(columns) - set(CANONICAL_COLUMNS))
        if unknown:
            raise ValueError(
                f"unknown canonical column(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(CANONICAL_COLUMNS)}"
            )
        if "source_record_id" not in columns and info.data.get("format") != "encoded":
            raise ValueError("source_record_id must be mapped to a column of the file")
        return columns

    @property
    def file_format(self) -> FileFormat:
        """The declared format, else the one the file name's extension gives."""
        if self.format is not None:
            return self.format
        suffix = Path(self.file).suffix.lower().lstrip(".")
        if suffix in ("xlsx", "xlsm"):
            return "xlsx"
        if suffix in ("parquet", "pq"):
            return "parquet"
        return "csv"


class LinkageSettings(_Frozen):
    """Decision thresholds and the work budget of the link stage."""

    match_threshold: float = Field(default=0.9, gt=0.0, lt=1.0)
    review_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    # the block cap is lowered (halved, down to 20) until the pairs fit; then the run stops
    max_candidate_pairs: int = Field(default=50_000_000, gt=0)
    # blocks larger than this are refined or skipped (benelink.linkage.block.DEFAULT_MAX_BLOCK_SIZE)
    max_block_size: int = Field(default=400, ge=2)
    em_max_iterations: int = Field(default=50, gt=0)
    # the model is fitted once and kept (benelink.linkage.kept, docs/linkage.md): re-fitted
    # when asked, or when this month's fit moves any m or u by more than drift_max_change
    # or the prior by more than a factor drift_max_prior_factor
    refit_model: bool = False
    drift_max_change: float = Field(default=0.05, gt=0.0, le=1.0)
    drift_max_prior_factor: float = Field(default=2.0, gt=1.0)

    @model_validator(mode="after")
    def _review_below_match(self) -> LinkageSettings:
        if self.review_threshold > self.match_threshold:
            raise ValueError("review_threshold must not exceed match_threshold")
        return self


class DisclosureSettings(_Frozen):
    """k-anonymity of the analyst release over its quasi-identifiers.

    Sex, birth year (with age and band), governorate (with region) and
    nationality are always checked (``anonymize.disclosure.QUASI_IDENTIFIERS``);
    ``quasi_identifiers`` may add employment_status or officer, never remove one.
    """

    k: int = Field(default=5, ge=2)
    quasi_identifiers: tuple[str, ...] = ("sex", "birth_year", "governorate", "nationality")
    action: Literal["report", "generalise", "suppress"] = "generalise"

    @field_validator("quasi_identifiers")
    @classmethod
    def _known_columns(cls, columns: tuple[str, ...]) -> tuple[str, ...]:
        allowed = {
            "sex",
            "birth_year",
            "age",
            "governorate",
            "nationality",
            "employment_status",
            "officer",
        }
        unknown = sorted(set(columns) - allowed)
        if unknown:
            raise ValueError(
                f"unknown quasi-identifier(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        return columns


class ReportSettings(_Frozen):
    """What the month's reports include beyond the figures (docs/reports.md)."""

    # each officer's caseload by the registry's own record ids, in restricted/ only: the ids
    # the officer already holds, so they can act on the figures of their page
    officer_caseload_lists: bool = False


class BenelinkConfig(_Frozen):
    """The whole configuration, plus where it was read from and its hash."""

    run: RunSettings
    sources: dict[str, SourceSettings]
    linkage: LinkageSettings = LinkageSettings()
    disclosure: DisclosureSettings = DisclosureSettings()
    reports: ReportSettings = ReportSettings()
    path: Path = Path("benelink.toml")
    sha256: str = ""

    @field_validator("sources")
    @classmethod
    def _at_least_one(cls, sources: dict[str, SourceSettings]) -> dict[str, SourceSettings]:
        if not sources:
            raise ValueError("at least one [sources.<name>] section is needed")
        return sources

    def incoming_dir(self, month: str) -> Path:
        """The folder holding ``month``'s files.

        Relative paths are taken from the configuration file's folder, so a cron
        job started from any working directory reads the same files.
        """
        folder = Path(self.run.incoming.replace("{month}", month))
        return folder if folder.is_absolute() else (self.path.parent / folder).resolve()

    @property
    def out_dir(self) -> Path:
        """The output folder, relative paths taken from the configuration file's folder."""
        out = self.run.out
        return out if out.is_absolute() else (self.path.parent / out).resolve()
