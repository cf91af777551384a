"""Checking a month's partner files without running the merge.

This is what an officer runs the day a partner file arrives: every source is
read and validated, every problem is collected (one unreadable file does not
hide the others), and nothing is written — no snapshot, no rejects file.
``SourceCheck.problem`` is the same one line ``benelink run`` would stop with.

An encoded source (``format = "encoded"``, docs/encoding.md) is checked as the
run reads it: readable, of this release's encoding version, written for this
source name and month, and — when the key is at hand — under the run's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benelink.config.model import BenelinkConfig, SourceSettings
from benelink.errors import InputError, UsageError
from benelink.io.layout import OutputLayout
from benelink.pipelines.encoded import load_encoded_source
from benelink.pipelines.ingest import load_source
from benelink.pipelines.validate import reject_limit_message, validate_source


@dataclass(frozen=True)
class SourceCheck:
    """One source's verdict: readable or not, and its rejected rows and dropped values."""

    source: str
    file: str
    rows: int = 0
    rejected_rows: int = 0
    dropped_values: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    max_reject_rate: float = 0.0
    error: str | None = None
    limit_message: str | None = None  # the run's one-line refusal when over the limit
    exit_code: int = 3  # what the run would exit with on ``error`` (2: configuration or key)
    note: str | None = None  # what was not checked (an encoded file's key, without the key)

    @property
    def reject_rate(self) -> float:
        return self.rejected_rows / self.rows if self.rows else 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.reject_rate <= self.max_reject_rate

    @property
    def problem(self) -> str | None:
        """One line for the officer when the source would stop a run, else None."""
        if self.error is not None:
            return self.error
        return None if self.ok else self.limit_message


def check_month(
    cfg: BenelinkConfig, month: str, fingerprint: str | None = None
) -> list[SourceCheck]:
    """Read and validate every source of ``month``; collect problems, write nothing.

    ``fingerprint`` is the key's (``anonymize.keys.key_fingerprint``): encoded
    sources are checked against it, or not at all for the key when it is None.
    """
    folder = cfg.incoming_dir(month)
    checks = []
    for name, settings in cfg.sources.items():
        try:
            if settings.file_format == "encoded":
                checks.append(_check_encoded(name, settings, cfg, month, fingerprint))
                continue
            loaded = load_source(name, settings, folder, config_label=cfg.path.name)
        except (InputError, UsageError) as exc:
            checks.append(
                SourceCheck(
                    name,
                    settings.file,
                    max_reject_rate=settings.max_reject_rate,
                    error=str(exc),
                    exit_code=exc.exit_code,
                )
            )
            continue
        validated = validate_source(loaded)
        rejects = validated.rejects
        dropped = rejects[rejects["action"] == "value_dropped"]
        reasons = rejects.groupby("reason").size().sort_values(ascending=False)
        checks.append(
            SourceCheck(
                source=name,
                file=settings.file,
                rows=loaded.n_rows,
                rejected_rows=validated.rejected_rows,
                dropped_values=len(dropped),
                reasons={str(k): int(v) for k, v in reasons.items()},
                max_reject_rate=settings.max_reject_rate,
                limit_message=(
                    reject_limit_message(
                        validated,
                        settings.max_reject_rate,
                        settings.file,
                        rejects_path=OutputLayout(cfg.out_dir).rejects(month),
                        checking=True,
                    )
                    if validated.reject_rate > settings.max_reject_rate
                    else None
                ),
            )
        )
    return checks


def _check_encoded(
    name: str,
    settings: SourceSettings,
    cfg: BenelinkConfig,
    month: str,
    fingerprint: str | None,
) -> SourceCheck:
    """An encoded file read as the run reads it; its rows were validated by the partner."""
    encoded = load_encoded_source(name, settings, cfg.incoming_dir(month), fingerprint, month)
    return SourceCheck(
        source=name,
        file=settings.file,
        rows=encoded.n_rows,
        max_reject_rate=settings.max_reject_rate,
        note=None if fingerprint is not None else "key not checked",
    )
