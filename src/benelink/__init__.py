"""benelink: validate, pseudonymise, link and merge monthly beneficiary extracts."""

__version__ = "0.1.0"
