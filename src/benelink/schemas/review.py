"""The review file a reviewer reads and fills in, declared once.

One row per doubtful pair: what the reviewer writes (decision, reviewer, date,
note), what benelink says of the pair (probability, what deciding it would do),
then each shown field of the two records side by side with how benelink
compared them, where to find each record in its partner file, and the two
record tokens that key the decision. ``pipelines.review_queue`` builds the rows,
``io.review_workbook`` lays them out for a spreadsheet, ``pipelines.review``
reads the decisions back; the column names below are the file's contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

# --- what the reviewer writes ---
DECISION: Final = "decision"
REVIEWER: Final = "reviewer"
DECIDED_ON: Final = "decided_on"
NOTE: Final = "note"
TYPED: Final[tuple[str, ...]] = (DECISION, REVIEWER, DECIDED_ON, NOTE)
LEFT_TOKEN: Final = "left_token"
RIGHT_TOKEN: Final = "right_token"

# the words a reviewer may write in the decision column (case and spaces aside); the
# drop-down, the README and the refusal message list exactly these
ACCEPT: Final = frozenset({"accept", "قبول"})
REJECT: Final = frozenset({"reject", "رفض"})
NOT_SURE: Final = frozenset({"not sure", "غير متأكد"})
DROP_DOWN: Final[tuple[str, ...]] = ("accept", "reject", "not sure", "قبول", "رفض", "غير متأكد")
DECISION_WORDS: Final = "accept, reject or not sure (in Arabic قبول, رفض or غير متأكد)"

# --- how two values compared: the mark that starts each *_compared cell ---
SAME: Final = "✓"  # the same value, or as good as (a level that counts as the same)
CLOSE: Final = "≈"  # partly: a close spelling, the year only, a mistyped digit
DIFFER: Final = "✗"  # the lowest level: the values differ
UNWEIGHED: Final = "·"  # missing on a side, or not weighed for this pair
MARKS: Final[tuple[str, ...]] = (SAME, CLOSE, DIFFER, UNWEIGHED)


@dataclass(frozen=True)
class ShownField:
    """A field shown for both records, in ``left_<name>`` and ``right_<name>``.

    ``comparisons`` name the link model's comparisons (``linkage.compare``) whose
    levels describe it; ``short`` is how ``fields_compared`` names it. A value is
    shown as benelink read it, with what the partner sent beside it when that
    differs (``read``: whether benelink has a reading to show; names are shown
    as sent). A field whose comparisons have levels between "same" and "differs"
    (``worded``) also gets ``<name>_compared``, those levels in words.
    """

    name: str
    english: str
    arabic: str
    comparisons: tuple[str, ...]
    short: str
    read: bool = True
    worded: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        sides = (f"left_{self.name}", f"right_{self.name}")
        return (*sides, self.compared) if self.worded else sides

    @property
    def compared(self) -> str:
        return f"{self.name}_compared"


SHOWN_FIELDS: Final[tuple[ShownField, ...]] = (
    ShownField(
        "full_name",
        "Full name, as sent",
        "الاسم الكامل كما أرسله الشريك",
        ("first_name", "father_name", "grandfather_name", "family_name"),
        "name",
        read=False,
        worded=True,
    ),
    ShownField(
        "date_of_birth",
        "Date of birth (year-month-day)",
        "تاريخ الميلاد (سنة-شهر-يوم)",
        ("birth_date",),
        "birth date",
        worded=True,
    ),
    ShownField("sex", "Sex", "الجنس", ("sex",), "sex"),
    ShownField(
        "national_number",
        "National number",
        "الرقم الوطني",
        ("national_number",),
        "national number",
        worded=True,
    ),
    ShownField(
        "unhcr_individual_id",
        "UNHCR individual id",
        "رقم المفوضية الفردي",
        ("unhcr_individual_id",),
        "UNHCR id",
    ),
    ShownField("unhcr_case_id", "UNHCR case id", "رقم ملف المفوضية", ("unhcr_case_id",), "case id"),
    ShownField("phone", "Phone", "الهاتف", ("phone",), "phone"),
    ShownField("governorate", "Governorate", "المحافظة", ("governorate",), "governorate"),
    ShownField("nationality", "Nationality", "الجنسية", ("nationality",), "nationality"),
)
# every field but the name, by mark: "✓ sex, phone; ✗ birth date; · case id"
FIELDS_COMPARED: Final = "fields_compared"


def fields_compared(marks: dict[str, str]) -> str | None:
    """The ``fields_compared`` cell of one pair: its fields (short names) grouped by mark,
    "✓ sex, phone; ✗ birth date; · case id"."""
    groups = [
        f"{mark} {', '.join(f for f, m in marks.items() if m == mark)}"
        for mark in MARKS
        if mark in marks.values()
    ]
    return "; ".join(groups) or None


def compared_marks(cell: str) -> dict[str, str]:
    """Field short name -> mark, read back from a ``fields_compared`` cell."""
    found: dict[str, str] = {}
    for group in cell.split("; "):
        mark, _, names = group.partition(" ")
        if mark in MARKS:
            found.update(dict.fromkeys(names.split(", "), mark))
    return found


# the name's four comparisons, as the name_compared cell words them
NAME_PART_WORDS: Final[dict[str, str]] = {
    "first_name": "first",
    "father_name": "father",
    "grandfather_name": "grandfather",
    "family_name": "family",
}

PAIR: Final = "pair"
PROBABILITY: Final = "probability"
EFFECT: Final = "effect"
JOINS: Final = "joins 2 people"  # how the effect of a pair that settles two people begins
# the pair, the decision and the probability lead (and stay in view); the fields follow, then
# what deciding does and who decided, where the records are, and the tokens
LEAD: Final[tuple[str, ...]] = (PAIR, DECISION, PROBABILITY)
NAME_FIELD: Final = SHOWN_FIELDS[0]
AFTER: Final[tuple[str, ...]] = (EFFECT, REVIEWER, DECIDED_ON, NOTE)
RECORDS: Final[tuple[str, str]] = ("left_record", "right_record")
TOKENS: Final[tuple[str, str]] = (LEFT_TOKEN, RIGHT_TOKEN)
QUEUE_COLUMNS: Final[tuple[str, ...]] = (
    *LEAD,
    *NAME_FIELD.columns,
    *(c for f in SHOWN_FIELDS[1:] for c in f.columns),
    FIELDS_COMPARED,
    *AFTER,
    *RECORDS,
    *TOKENS,
)


def settling_pairs(queue: pd.DataFrame) -> int:
    """How many decisions settle the month: the first pair of each two people."""
    if EFFECT not in queue:
        return 0
    return int(queue[EFFECT].astype("string").fillna("").str.startswith(JOINS).sum())


@dataclass(frozen=True)
class TypedReview:
    """A month's review file as the reviewer left it (every cell as text), and its name."""

    label: str
    rows: pd.DataFrame


# every column explained, in English and in Arabic, for the instructions sheet and the docs
COLUMN_HELP: Final[dict[str, tuple[str, str]]] = {
    FIELDS_COMPARED: (
        "The fields other than the name, by how the two records compare: ✓ same, ≈ close, "
        "✗ differ, · not compared (missing on a side, or not weighed because the first "
        "names differ).",
        "الحقول غير الاسم حسب نتيجة المقارنة: ✓ متطابق، ≈ متقارب، ✗ مختلف، · لم يقارن (غير "
        "موجود في أحد السجلين، أو لم يُحتسب لاختلاف الاسم الأول).",
    ),
    PAIR: (
        "Pair number. The most useful decisions come first.",
        "رقم الزوج. القرارات الأكثر فائدة تأتي أولاً.",
    ),
    DECISION: (
        "Your decision: accept (same person), reject (two people), or not sure (the pair "
        "stays in the queue). Leave empty to decide later.",
        "قرارك: قبول (الشخص نفسه)، رفض (شخصان مختلفان)، أو غير متأكد (يبقى الزوج في "
        "القائمة). اتركه فارغاً لتقرر لاحقاً.",
    ),
    REVIEWER: ("Your name or initials.", "اسمك أو الأحرف الأولى من اسمك."),
    DECIDED_ON: (
        "The day you decided (year-month-day); empty means the day the file is applied.",
        "يوم اتخاذ القرار (سنة-شهر-يوم)؛ إذا ترك فارغاً يُعتمد يوم تطبيق الملف.",
    ),
    NOTE: (
        "Anything you want to remember about the pair (stays in this file only).",
        "أي ملاحظة عن الزوج (تبقى في هذا الملف فقط).",
    ),
    PROBABILITY: (
        "How likely the model thinks the two records are one person.",
        "احتمال أن يكون السجلان لشخص واحد حسب النموذج.",
    ),
    EFFECT: (
        "What accepting would do: join two people, the same two people as an earlier pair "
        "(decide that one first), or nothing new (already one person).",
        "أثر القبول: دمج شخصين، أو الشخصان نفسهما كما في زوج سابق (قرر ذلك أولاً)، أو لا "
        "شيء جديد (شخص واحد أصلاً).",
    ),
    "left_record": (
        "Where the left record is: source, row in the partner's file, record id.",
        "مكان السجل الأول في ملف الشريك: المصدر، رقم الصف، رقم السجل.",
    ),
    "right_record": (
        "Where the right record is: source, row in the partner's file, record id.",
        "مكان السجل الثاني في ملف الشريك: المصدر، رقم الصف، رقم السجل.",
    ),
    LEFT_TOKEN: (
        "The left record's token: do not change it.",
        "رمز السجل الأول: لا تغيّره.",
    ),
    RIGHT_TOKEN: (
        "The right record's token: do not change it.",
        "رمز السجل الثاني: لا تغيّره.",
    ),
}
