"""benelink: validate, pseudonymise, link and merge monthly beneficiary extracts.

The public API is what ``__all__`` lists; everything else may change between
releases. Most users run the ``benelink`` command instead.
"""

from benelink.config.load import load_config
from benelink.config.model import BenelinkConfig, LinkageSettings, RunSettings, SourceSettings
from benelink.errors import (
    BenelinkError,
    ConfigError,
    InputError,
    LockHeldError,
    UsageError,
)

__version__ = "0.1.0"

__all__ = [
    "BenelinkConfig",
    "BenelinkError",
    "ConfigError",
    "InputError",
    "LinkageSettings",
    "LockHeldError",
    "RunSettings",
    "SourceSettings",
    "UsageError",
    "__version__",
    "load_config",
]
