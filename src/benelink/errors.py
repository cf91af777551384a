"""The one exception tree of benelink, and the exit code each branch maps to.

Every error a data officer can meet is a ``BenelinkError``; the CLI prints its
message as one line and exits with its ``exit_code``. Messages never contain a
personal value (name, date of birth, id number, phone): they name the file, the
column, the rows and what to do.

::

    BenelinkError                 exit 1  unexpected internal error
    ├── HandOffError                      a stage handed on a frame its schema refuses (a bug)
    ├── UsageError                exit 2  bad arguments or configuration
    │   ├── ConfigError                   config file missing, unreadable or invalid
    │   ├── KeyError_                     secret key missing, weak or of the wrong kind
    │   ├── CandidateBudgetError          blocking would compare more pairs than allowed
    │   └── OutputError                   the output folder cannot be written (full, read-only,
    │       │                             a file where a folder belongs)
    │       └── DamagedStateError         a file benelink wrote earlier cannot be read back
    ├── InputError                exit 3  a partner file cannot be used as it is
    │   ├── UnreadableFileError           missing, empty, wrong encoding or format
    │   ├── MissingColumnsError           mapped columns not present in the file
    │   └── RejectLimitError              too many rows fail validation
    └── LockHeldError             exit 4  another run holds the output folder's lock
"""

from __future__ import annotations


class BenelinkError(Exception):
    """Base of every error benelink raises on purpose."""

    exit_code: int = 1


class HandOffError(BenelinkError):
    """A stage handed the next one a frame that breaks its schema: a bug in benelink, not
    in the partner's file. The message names the stage, the schema and the columns, never
    a value."""


class UsageError(BenelinkError):
    """The command line or the configuration asks for something impossible."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration file is missing, unreadable or invalid."""


class KeyError_(UsageError):
    """The secret key is missing, weak, or cannot be read."""


class CandidateBudgetError(UsageError):
    """Blocking produced more candidate pairs than the configured cap."""


class OutputError(UsageError):
    """The output folder cannot be written; nothing of the month was written."""


class DamagedStateError(OutputError):
    """A state, snapshot or report file written by an earlier run cannot be read back."""


class InputError(BenelinkError):
    """A partner file cannot be used as it is; nothing was written."""

    exit_code = 3


class UnreadableFileError(InputError):
    """A file is missing, empty, or not in a format or encoding benelink can read."""


class MissingColumnsError(InputError):
    """Columns named in the configuration are not in the file."""


class RejectLimitError(InputError):
    """More rows failed validation than the source's configured limit allows."""


class LockHeldError(BenelinkError):
    """Another run holds the lock on the output folder."""

    exit_code = 4
