"""A Splink user's own preparation of the partner files, before Splink sees them.

Written as a competent user would write it, with the libraries a user has
(pandas, anyascii, dateutil through pandas) and none of benelink's code: the
files are read with pandas, the columns renamed with the configuration's own
column map (read with ``tomllib``), and every value cleaned here.

* **Names.** Arabic is normalised the usual way (diacritics and tatweel
  dropped, hamza forms of alef to a bare alef, ta marbuta to ha, alef maqsura
  to ya) and transliterated to Latin with ``anyascii``; then both scripts are
  lower-cased, punctuation removed, ``Abd``/``Abu``/``Bani`` joined to the word
  after them, the article (``al``, ``el``, ``ال``) dropped from family names,
  and each part written as one token (``name``). Because anyascii writes
  Arabic without short vowels (``محمد`` -> ``mhmd``), each part also gets a
  consonant *skeleton* (``sk``: vowels, ``w``/``y`` and a final ``h`` dropped,
  ``q`` -> ``k``, doubled letters single; ``dh`` is written ``th`` in both scripts), on which
  ``Mohammad``, ``Muhammad`` and ``محمد`` meet.
* **Full names** (the job-seeker registry) are split into parts after the
  compounds are joined: first, father, [grandfather,] family.
* **Dates** are parsed with pandas (ISO first, then day-first, month names by
  dateutil; Arabic month names mapped to numbers; Excel serial numbers).
* **Identifiers**: national numbers and phones digits only (Arabic-Indic
  digits included), phones to their 9 national digits (``962``/``00962``/``0``
  prefix removed); UNHCR ids and case numbers upper-cased without separators,
  and a case number found in an individual-id column moved to the case column.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from anyascii import anyascii

DUPLICATE_FREE_KINDS = frozenset({"unhcr"})
NAME_PARTS = ("first", "father", "grandfather", "family")  # columns <part>_name, <part>_sk
_CANONICAL_PARTS = {f"{p}_name": p for p in NAME_PARTS}
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ـ": None}
    | {"ذ": "ث"}  # anyascii writes ذ "dh", which d + h (دة) also gives: write it "th"
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['`\u2019\u2018\u02bc\u02bf\u02be]")
_SPLIT = re.compile(r"[\s\-_.,;:/\\()\[\]\u060c]+")
_ARABIC_JOIN_NEXT = frozenset({"عبد", "ابو", "بني", "بنو", "بو"})
# words that belong to the next one: Abd al-Rahman, Abu Zaid, Bani Hani (both scripts)
_JOIN_NEXT = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abu", "abou", "bani", "beni", "bny", "bu"}
)
_ARTICLES = frozenset({"al", "el"})
# Latin letters written for one Arabic sound (dh/th ذ, ph/f, French ch/sh ش), and
# the abbreviations of Mohammad seen in registration data
_LATIN_SPELLINGS = (("dh", "th"), ("ph", "f"), ("ch", "sh"))
_ABBREVIATIONS = {"mhd": "mohammad", "mohd": "mohammad", "muhd": "mohammad"}
_ARTICLE = "<article>"  # an article, marked where it was found (an Arabic word may read "al")
_ABD = re.compile(r"^abd(?:ul|el|al|ol|u|e)?")
_VOWELS = re.compile(r"[aeiou]+")
_REPEATS = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<![tksg])h$")  # not the h of th, kh, sh, gh
_CASE_ID = re.compile(r"^\d{3}\d{2}C\d+$")  # 945-12C76370 without separators
_ARABIC_MONTHS = {
    # Modern Standard and Levantine month names, as clerks type them
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "آذار": 3,
    "اذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "أيار": 5,
    "ايار": 5,
    "يونيو": 6,
    "حزيران": 6,
    "يوليو": 7,
    "تموز": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "آب": 8,
    "اب": 8,
    "سبتمبر": 9,
    "أيلول": 9,
    "ايلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "تشرين الاول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الأول": 12,
    "كانون الاول": 12,
}
_SEX = {"m": "m", "male": "m", "1": "m", "dhkr": "m", "f": "f", "female": "f", "2": "f"}
_SEX.update({"'ntha": "f", "antha": "f", "ntha": "f", "anthy": "f", "ذكر": "m"})


@dataclass(frozen=True)
class PartnerSource:
    """One partner file as the configuration describes it."""

    name: str
    kind: str
    path: Path
    columns: dict[str, str]  # canonical -> the file's header


def sources_from_config(config: Path, month_dir: Path) -> list[PartnerSource]:
    """The ``[sources.*]`` tables of the configuration: file names and column maps."""
    with config.open("rb") as f:
        data = tomllib.load(f)
    out = []
    for name, table in data.get("sources", {}).items():
        columns = {str(k): str(v) for k, v in table.get("columns", {}).items()}
        kind = str(table.get("kind", name))
        out.append(PartnerSource(name, kind, month_dir / str(table["file"]), columns))
    return out


def read_source(source: PartnerSource) -> pd.DataFrame:
    """The file as text cells (Excel through pandas' calamine engine, CSV as UTF-8 or cp1256)."""
    if source.path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        frame = pd.read_excel(source.path, dtype=str, engine="calamine")
    else:
        try:
            frame = pd.read_csv(source.path, dtype=str, encoding="utf-8-sig")
        except UnicodeDecodeError:
            frame = pd.read_csv(source.path, dtype=str, encoding="cp1256")
    return frame


def _by_unique(values: pd.Series, fn: Callable[[str], str | None]) -> pd.Series:
    """``fn`` on each distinct non-empty value once (names and dates repeat a lot)."""
    text = values.astype("string").str.strip()
    uniques = text.dropna().unique()
    mapped = {u: fn(u) for u in uniques}
    return text.map(mapped).astype("string")


# --- names ---------------------------------------------------------------------------------


def _fold_arabic(word: str) -> str:
    """Diacritics and tatweel dropped, hamza forms of alef, ta marbuta and alef maqsura folded."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_ARABIC_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _ascii_word(word: str) -> str:
    """One word in lower-case Latin letters and digits (anyascii for Arabic)."""
    return _NOT_ALNUM.sub("", _APOSTROPHES.sub("", anyascii(word).lower()))


def _raw_words(text: str) -> list[str]:
    """Words of a cell; apostrophes kept inside a word (Zu'bi), other punctuation splits."""
    return [w for w in _SPLIT.split(_APOSTROPHES.sub("", text)) if w]


def _tokens(text: str) -> list[str]:
    """Raw words of a cell, Arabic folded and joined to the next after عبد / ابو / بني."""
    out: list[str] = []
    for word in _raw_words(text):
        word = _fold_arabic(word) if _ARABIC.search(word) else word
        if out and out[-1] in _ARABIC_JOIN_NEXT:
            out[-1] += word
        else:
            out.append(word)
    return out


def _latin_words(tokens: list[str], family_at: int | None = None) -> list[str]:
    """Normalised Latin words: a leading ال split off as the article, Latin compounds joined,
    articles dropped. ال is taken for the article when at least three letters follow it
    (الاء is Alaa), or two in the family name (التل)."""
    latin: list[str] = []
    for i, word in enumerate(tokens):
        if not _ARABIC.search(word):
            ascii_word = _ascii_word(word)
            for old, new in _LATIN_SPELLINGS:
                ascii_word = ascii_word.replace(old, new)
            ascii_word = _ABBREVIATIONS.get(ascii_word, ascii_word)
            latin.append(_ARTICLE if ascii_word in _ARTICLES else ascii_word)
            continue
        rest = word[2:]
        if word.startswith("ال") and len(rest) >= (2 if i == family_at else 3):
            latin += [_ARTICLE, _ascii_word(rest)]
        else:
            latin.append(_ascii_word(word))
    joined = _join_compounds([w for w in latin if w])
    return [w for w in joined if w != _ARTICLE]


def _join_compounds(words: list[str]) -> list[str]:
    """abd al rahman -> abdalrahman, abu zaid -> abuzaid, abdul karim -> abdalkarim."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _JOIN_NEXT and i + 1 < len(words):
            nxt = i + 1
            if words[nxt] == _ARTICLE and nxt + 1 < len(words):
                nxt += 1
            word = word + words[nxt]
            i = nxt
        out.append(_ABD.sub("abdal", word) if word.startswith("abd") else word)
        i += 1
    return out


def _without_article(word: str) -> str:
    """A family name written with its article glued on: alomari -> omari (not ali -> i)."""
    if word[:2] in ("al", "el") and len(word) >= 5:
        return word[2:]
    return word


def name_part(text: str, *, family: bool = False) -> str | None:
    """One name part as one token (``None`` when nothing is left)."""
    tokens = _tokens(text)
    words = _latin_words(tokens, 0 if family else None)
    if family:
        words = [_without_article(w) for w in words]
    token = "".join(words)
    return token or None


def skeleton(token: str) -> str:
    """The consonants of a normalised name, on which Arabic and Latin spellings meet."""
    consonants = _VOWELS.sub("", token)
    reduced = consonants.replace("w", "").replace("y", "")
    s = reduced or consonants or token
    s = s.replace("q", "k")
    s = _REPEATS.sub(r"\1", s)
    return _FINAL_H.sub("", s) or s


def split_full_name(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """First, father, grandfather, family from one full-name cell."""
    tokens = _tokens(text)
    words = _latin_words(tokens, len(tokens) - 1)
    if not words:
        return None, None, None, None
    if len(words) == 1:
        return words[0], None, None, None
    family = _without_article(words[-1])
    middle = words[1:-1]
    father = middle[0] if middle else None
    grandfather = "".join(middle[1:]) or None
    return words[0], father, grandfather, family


# --- dates ---------------------------------------------------------------------------------


def _arabic_months(text: str) -> str:
    for name in sorted(_ARABIC_MONTHS, key=len, reverse=True):
        if name in text:
            text = text.replace(name, f" {_ARABIC_MONTHS[name]} ")
    return re.sub(r"\s+", " ", text.replace("/", " ").replace("-", " ")).strip()


def _date_text(text: str) -> str:
    """A date cell in ASCII: Arabic month names to numbers, Arabic-Indic digits to 0-9."""
    return anyascii(_arabic_months(text) if _ARABIC.search(text) else text).strip()


_DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y")


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates of a column, ``<NA>`` where unknown, each distinct cell parsed once.

    ISO first (and Excel's own date cells, read as ``YYYY-MM-DD 00:00:00``), then
    day-first formats, then Excel serial numbers, then pandas' dateutil parser
    (month names, other orders) for whatever is left. A birth date in the future
    is a typing error, and unknown.
    """
    text = values.astype("string").str.strip()
    uniques = pd.Series(text.dropna().unique(), dtype="string")
    ascii_text = uniques.map(_date_text).astype("string")
    parsed = pd.to_datetime(ascii_text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    for fmt in _DAY_FIRST_FORMATS:
        left = parsed.isna()
        parsed[left] = pd.to_datetime(ascii_text[left], format=fmt, errors="coerce")
    serial = pd.to_numeric(ascii_text, errors="coerce")
    excel = parsed.isna() & serial.between(3000, 60000) & ~ascii_text.str.fullmatch(r"(19|20)\d\d")
    parsed[excel] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[excel], unit="D")
    for i in parsed.index[parsed.isna()]:
        parsed[i] = pd.to_datetime(ascii_text[i], format="mixed", dayfirst=True, errors="coerce")
    valid = (parsed.dt.year >= 1900) & (parsed <= pd.Timestamp.today())
    iso = parsed.dt.strftime("%Y-%m-%d").where(valid)
    mapping = dict(zip(uniques.tolist(), iso.tolist(), strict=True))
    return text.map(mapping).astype("string")


def parse_date(text: str) -> str | None:
    """One cell's ISO date (``parse_dates`` on a single value)."""
    value = parse_dates(pd.Series([text], dtype="string")).iloc[0]
    return None if pd.isna(value) else str(value)


# --- identifiers ---------------------------------------------------------------------------


def _digits(text: str) -> str:
    ascii_text = anyascii(text)
    ascii_text = re.sub(r"\.0+$", "", ascii_text.strip())  # a number cell read as float text
    return re.sub(r"\D", "", ascii_text)


def national_number(text: str) -> str | None:
    digits = _digits(text)
    return digits if len(digits) >= 9 else None


def phone(text: str) -> str | None:
    """The 9 national digits of a Jordanian number (7XXXXXXXX for a mobile)."""
    digits = _digits(text)
    for prefix in ("00962", "962", "0"):
        if digits.startswith(prefix) and len(digits) > 9:
            digits = digits[len(prefix) :]
    return digits if len(digits) >= 8 else None


def unhcr_code(text: str) -> str | None:
    code = re.sub(r"[^A-Z0-9]", "", anyascii(text).upper())
    return code or None


def sex(text: str) -> str | None:
    key = text.strip().lower()
    if key in _SEX:
        return _SEX[key]
    latin = _ascii_word(key)
    return _SEX.get(latin, _SEX.get(latin[:1]))


# --- one source, all sources ---------------------------------------------------------------


def _column(frame: pd.DataFrame, source: PartnerSource, canonical: str) -> pd.Series:
    header = source.columns.get(canonical)
    if header is None or header not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[header].astype("string")


def prepare_source(frame: pd.DataFrame, source: PartnerSource) -> pd.DataFrame:
    """One partner file -> the user's linkage columns (one row per record id)."""

    def col(canonical: str) -> pd.Series:
        return _column(frame, source, canonical)

    out = pd.DataFrame(index=frame.index)
    out["source"] = source.name
    # the UNHCR registry holds each registered person once (one individual id each)
    out["registry"] = source.name if source.kind in DUPLICATE_FREE_KINDS else None
    out["record_key"] = col("source_record_id").str.strip()
    if "full_name" in source.columns:
        parts = _by_unique(
            col("full_name"), lambda t: "\t".join(p or "" for p in split_full_name(t))
        )
        split = parts.str.split("\t", expand=True).reindex(columns=range(4))
        for i, part in enumerate(NAME_PARTS):
            out[f"{part}_name"] = split[i].replace("", pd.NA).astype("string")
        out["script"] = col("full_name").str.contains(_ARABIC.pattern, regex=True)
    for canonical, part in _CANONICAL_PARTS.items():
        if canonical in source.columns:
            out[f"{part}_name"] = _by_unique(
                col(canonical), lambda t, p=part: name_part(t, family=p == "family")
            )
    for part in NAME_PARTS:
        if f"{part}_name" not in out:
            out[f"{part}_name"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "script" not in out:
        named = [source.columns[c] for c in _CANONICAL_PARTS if c in source.columns]
        text = frame[named[0]].astype("string") if named else pd.Series("", index=frame.index)
        out["script"] = text.str.contains(_ARABIC.pattern, regex=True)
    out["script"] = out["script"].fillna(False).map({True: "ar", False: "la"}).astype("string")
    for part in NAME_PARTS:
        out[f"{part}_sk"] = _by_unique(out[f"{part}_name"], skeleton)
    out["dob"] = parse_dates(col("date_of_birth"))
    out["birth_year"] = out["dob"].str.slice(0, 4)
    out["nn"] = _by_unique(col("national_number"), national_number)
    individual = _by_unique(col("unhcr_individual_id"), unhcr_code)
    case = _by_unique(col("unhcr_case_id"), unhcr_code)
    misplaced = individual.str.fullmatch(_CASE_ID.pattern).fillna(False).astype(bool)
    out["unhcr_id"] = individual.mask(misplaced)
    out["case_id"] = case.fillna(individual.where(misplaced))
    out["phone"] = _by_unique(col("phone"), phone)
    out["sex"] = _by_unique(col("sex"), sex)
    out["governorate"] = _by_unique(
        col("governorate"), lambda t: skeleton(name_part(t, family=True) or "")
    )
    out = out[out["record_key"].notna() & (out["record_key"] != "")]
    return out.drop_duplicates(["source", "record_key"]).reset_index(drop=True)


def prepare_partner_files(month_dir: Path, config: Path) -> pd.DataFrame:
    """Every source of the configuration, read and prepared, one frame with a ``uid``."""
    frames = [prepare_source(read_source(s), s) for s in sources_from_config(config, month_dir)]
    records = pd.concat(frames, ignore_index=True)
    records.insert(0, "uid", pd.RangeIndex(len(records)).to_numpy(dtype="int64"))
    return records
