"""How messy the sample is: the rates of the variety partners' files really have.

The default sample is tidy in the ways below (its committed copy, the golden
report and the tests rest on it); a ``Mess`` adds, at given rates, what
partner files were found to hold that the tidy sample does not: NAF
beneficiaries without national numbers, identifiers in the wrong column, dates
written with month names, phones in ranges the phone library does not list,
and multi-word name parts. Every rate is a share (0 to 1); ``Mess()`` is the
tidy sample exactly, so the same seed gives the same files as before.

A mess is given as a preset name, ``name=rate`` pairs, or both
(``partner-like,dates_unhcr=0.2``), or as a small TOML file (``parse_mess``).
A *group* name (``dates``, ``phones``, ...) sets every rate of one kind of mess
at once; the bench's sweep (``bench/mess.py``) grows one group at a time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Final

from benelink.errors import UsageError

# How many refugee job seekers the registry gives a UNHCR number to, when a group asks
# for the "UNHCR No" column without saying (wrong_column=...).
UNHCR_NO_FILLED: Final = 0.8


@dataclass(frozen=True)
class Mess:
    """The rates of each kind of mess; all 0 is the tidy sample, byte for byte."""

    # NAF beneficiaries without national numbers
    naf_refugees: float = 0.0
    """Share of NAF rows that are refugees (Syrian, Iraqi, ... households also registered
    with UNHCR): they carry no national number, and are in NAF and UNHCR both."""
    naf_blank_nn: float = 0.0
    """Share of Jordanian NAF rows whose national number is left blank."""
    # identifiers in the wrong column
    jobseeker_unhcr_no: float = 0.0
    """Share of refugee job seekers whose "UNHCR No" is filled (0: the registry has no such
    column, as in the tidy sample)."""
    case_in_unhcr_no: float = 0.0
    """Share of filled "UNHCR No" cells holding the family's case number instead of the
    individual id, by whole officers (an officer who does it does it every time)."""
    individual_in_case: float = 0.0
    """Share of UNHCR rows whose "Case Number" holds the individual id."""
    nn_in_phone: float = 0.0
    """Share of NAF and job-seeker rows with a national number whose phone column holds
    the national number instead of a phone."""
    phone_in_nn: float = 0.0
    """Share of NAF and job-seeker rows with a phone whose national-number column holds
    the phone instead."""
    # dates with month names
    dates_naf: float = 0.0
    """Share of NAF rows whose dates are written with month names (mostly Arabic:
    Levantine كانون الثاني, Egyptian/Gulf يناير), Arabic-Indic digits, two-digit years,
    mixed separators or Excel serial numbers."""
    dates_unhcr: float = 0.0
    """The same for UNHCR rows (mostly English month abbreviations: 12-Mar-1985)."""
    dates_jobseekers: float = 0.0
    """The same for job-seeker rows (every style)."""
    # phones
    unlisted_phones: float = 0.0
    """Share of people's (and households' shared) mobiles in ranges that are possible
    but that the phone library does not list (07[3-6]...)."""
    phone_forms: float = 0.0
    """Share of phone cells written in unusual forms (962 without +, dashes, a leading
    apostrophe, Arabic-Indic digits, (+962), a lost or doubled trunk zero)."""
    # multi-word name parts
    compound_names: float = 0.0
    """Share of given names (own, and so fathers' and grandfathers') that are compound
    (Nur al-Din, Abu Bakr, Abd al-Nasser, Mohammad Nour, Fatima al-Zahra), spaced and
    transliterated differently across sources and months."""
    particle_families: float = 0.0
    """Share of families whose name carries a particle (Abu Ghazaleh, Bani Yaseen,
    Al-Hajj Ali), written spaced, glued or hyphenated."""

    def __post_init__(self) -> None:
        bad = [f.name for f in fields(self) if not 0.0 <= getattr(self, f.name) <= 1.0]
        if bad:
            raise UsageError(f"mess rates are shares between 0 and 1; check {', '.join(bad)}")

    @property
    def tidy(self) -> bool:
        """True when nothing is messed up: the sample is the tidy one, byte for byte."""
        return self == Mess()

    def rates(self) -> dict[str, float]:
        """The rates that are not 0, by name."""
        return {k: v for k, v in asdict(self).items() if v}

    def describe(self) -> str:
        """The preset's name if it is one (``none`` when tidy), else ``name=rate,...`` for
        the rates that are not 0; ``parse_mess`` reads it back."""
        for name, preset in PRESETS.items():
            if self == preset:
                return name
        return ",".join(f"{k}={v:g}" for k, v in self.rates().items())

    def to_toml(self) -> str:
        """The rates that are not 0 as a TOML ``[mess]`` table (``parse_mess`` reads it)."""
        lines = ["# benelink sample --mess: the rates of this sample's mess", "[mess]"]
        lines += [f"{k} = {v!r}" for k, v in self.rates().items()]
        return "\n".join(lines) + "\n"


def _naf_without_nn(rate: float) -> dict[str, float]:
    """``rate`` of NAF rows without a national number: three quarters refugees."""
    return {"naf_refugees": 0.75 * rate, "naf_blank_nn": 0.25 * rate}


def _wrong_column(rate: float) -> dict[str, float]:
    return {
        "jobseeker_unhcr_no": UNHCR_NO_FILLED,
        "case_in_unhcr_no": rate,
        "individual_in_case": rate,
        "nn_in_phone": rate,
        "phone_in_nn": rate,
    }


# One kind of mess at one rate: the rates it sets. The bench grows one group at a time.
GROUPS: Final[dict[str, Callable[[float], dict[str, float]]]] = {
    "naf_without_nn": _naf_without_nn,
    "wrong_column": _wrong_column,
    "dates": lambda r: {"dates_naf": r, "dates_unhcr": r, "dates_jobseekers": r},
    "phones": lambda r: {"unlisted_phones": r, "phone_forms": r},
    "multiword_names": lambda r: {"compound_names": r, "particle_families": r},
}

# What partner files held when benelink was tried on them (issue #16), the rest estimated;
# docs/sample.md gives the source of each rate.
PRESETS: Final[dict[str, Mess]] = {
    "none": Mess(),
    "partner-like": Mess(
        naf_refugees=0.03,
        naf_blank_nn=0.005,
        jobseeker_unhcr_no=UNHCR_NO_FILLED,
        case_in_unhcr_no=0.3,
        individual_in_case=0.01,
        nn_in_phone=0.01,
        phone_in_nn=0.01,
        dates_naf=0.02,
        dates_unhcr=0.1,
        dates_jobseekers=0.03,
        unlisted_phones=0.03,
        phone_forms=0.1,
        compound_names=0.06,
        particle_families=0.06,
    ),
}


def group_mess(group: str, rate: float, base: Mess | None = None) -> Mess:
    """``base`` (default tidy) with every rate of ``group`` set for ``rate``."""
    if group not in GROUPS:
        raise UsageError(f"unknown kind of mess {group!r}; choose from {', '.join(GROUPS)}")
    return replace(base or Mess(), **GROUPS[group](rate))


def _rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UsageError(f"--mess {name}: give a share between 0 and 1, like {name}=0.05")
    try:
        rate = float(value)
    except ValueError:
        raise UsageError(f"--mess {name}: give a share between 0 and 1, like {name}=0.05") from None
    if not 0.0 <= rate <= 1.0:
        raise UsageError(f"--mess {name}: {rate:g} is not a share between 0 and 1")
    return rate


def mess_from(settings: Mapping[str, object], base: Mess | None = None) -> Mess:
    """``base`` with each ``name: rate`` applied in order: a rate's own name, a group's
    name (every rate of that kind), or ``preset`` (start again from that preset)."""
    known = {f.name for f in fields(Mess)}
    mess = base or Mess()
    for name, value in settings.items():
        if name == "preset":
            mess = _preset(str(value))
        elif name in GROUPS:
            mess = group_mess(name, _rate(name, value), mess)
        elif name in known:
            mess = replace(mess, **{name: _rate(name, value)})
        else:
            raise UsageError(
                f"--mess: unknown rate {name!r}; rates are {', '.join(sorted(known))}, "
                f"kinds {', '.join(GROUPS)}, presets {', '.join(PRESETS)}"
            )
    return mess


def _preset(name: str) -> Mess:
    if name not in PRESETS:
        raise UsageError(f"--mess: unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    return PRESETS[name]


def parse_mess(text: str) -> Mess:
    """``--mess``: a preset, ``name=rate`` pairs, a preset then pairs, or a TOML file.

    The TOML file holds a ``[mess]`` table (or top-level keys) of the same names,
    with an optional ``preset = "partner-like"`` to start from.
    """
    text = text.strip()
    if text.endswith(".toml"):
        path = Path(text)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"--mess {path}: cannot read it ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"--mess {path}: not valid TOML ({exc})") from None
        table = data.get("mess", data)
        if not isinstance(table, dict):
            raise UsageError(f"--mess {path}: [mess] must be a table of name = rate")
        if "preset" in table:  # the preset first, whatever its place in the file
            table = {"preset": table["preset"]} | {k: v for k, v in table.items() if k != "preset"}
        return mess_from(table)
    mess = Mess()
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition("=")
        # in the order given: a later pair overrides an earlier one, a preset starts afresh
        pair = {name.strip(): value.strip()} if sep else {"preset": name.strip()}
        mess = mess_from(pair, mess)
    return mess
