"""benelink: validate, pseudonymise, link and merge monthly beneficiary extracts.

The public API is what ``__all__`` lists; everything else may change between
releases. Most users run the ``benelink`` command instead; scripts, notebooks
and the benchmarks use these::

    import benelink

    cfg = benelink.load_config(Path("config/benelink.toml"))
    result = benelink.run_month(cfg, "2026-11", key)          # the whole monthly merge
    month = benelink.prepare_month(cfg, "2026-11", key)       # its first four stages only
    linked = benelink.link_records(month.records, cfg.linkage)
    layout = benelink.OutputLayout(cfg.out_dir)               # where everything is written

Names are imported when first used, so ``import benelink`` stays light (worker
processes import it too).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "BenelinkConfig": "benelink.config.model",
    "LinkageSettings": "benelink.config.model",
    "RunSettings": "benelink.config.model",
    "SourceSettings": "benelink.config.model",
    "load_config": "benelink.config.load",
    "BenelinkError": "benelink.errors",
    "ConfigError": "benelink.errors",
    "InputError": "benelink.errors",
    "LockHeldError": "benelink.errors",
    "OutputError": "benelink.errors",
    "UsageError": "benelink.errors",
    "run_month": "benelink.pipelines.monthly",
    "MonthResult": "benelink.pipelines.monthly",
    "prepare_month": "benelink.pipelines.sources",
    "PreparedMonth": "benelink.pipelines.sources",
    "link_records": "benelink.linkage.link",
    "LinkResult": "benelink.linkage.link",
    "pairwise_quality": "benelink.linkage.evaluate",
    "Quality": "benelink.linkage.evaluate",
    "OutputLayout": "benelink.io.layout",
    "Report": "benelink.schemas.documents",
    "Manifest": "benelink.schemas.documents",
}

__all__ = [
    "BenelinkConfig",
    "BenelinkError",
    "ConfigError",
    "InputError",
    "LinkResult",
    "LinkageSettings",
    "LockHeldError",
    "Manifest",
    "MonthResult",
    "OutputError",
    "OutputLayout",
    "PreparedMonth",
    "Quality",
    "Report",
    "RunSettings",
    "SourceSettings",
    "UsageError",
    "__version__",
    "link_records",
    "load_config",
    "pairwise_quality",
    "prepare_month",
    "run_month",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'benelink' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from benelink.config.load import load_config
    from benelink.config.model import BenelinkConfig, LinkageSettings, RunSettings, SourceSettings
    from benelink.errors import (
        BenelinkError,
        ConfigError,
        InputError,
        LockHeldError,
        OutputError,
        UsageError,
    )
    from benelink.io.layout import OutputLayout
    from benelink.linkage.evaluate import Quality, pairwise_quality
    from benelink.linkage.link import LinkResult, link_records
    from benelink.pipelines.monthly import MonthResult, run_month
    from benelink.pipelines.sources import PreparedMonth, prepare_month
    from benelink.schemas.documents import Manifest, Report
