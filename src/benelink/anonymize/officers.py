"""The officer column, as the release and the report publish it.

The officer is typed by hand into the job-seeker registry, so it is where a
beneficiary's own name or phone lands by mistake. Validation drops what cannot
be a staff name (``schemas.raw.officer_not_a_name``); here the rest is made
presentable and safe to publish: spellings of one officer are shown as one
name, as the officer writes it, and an officer is shown only with a caseload
of at least k job seekers — a "caseload of one" is indistinguishable from a
beneficiary's name typed in the wrong column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.arrow_text import ARROW_TEXT


def officer_key(names: pd.Series) -> pd.Series:
    """The case-folded, whitespace-normalised form on which spellings of one officer agree."""
    codes, distinct = pd.factorize(names)
    keys = pd.array([" ".join(str(v).split()).casefold() for v in distinct] + [None], ARROW_TEXT)
    return pd.Series(keys.take(codes), index=names.index)  # code -1 takes the last: <NA>


def display_names(spellings: pd.Series) -> dict[str, str]:
    """Officer key -> the most frequent spelling among ``spellings`` (ties: the smallest).

    ``spellings`` are the officer values of the month's records, as written
    (whitespace normalised); "Suha Haddad" twice and "SUHA HADDAD" once are
    published as "Suha Haddad".
    """
    codes, distinct = pd.factorize(spellings)  # a million records, a few hundred spellings
    if not len(distinct):
        return {}
    names = [" ".join(str(v).split()) for v in distinct]
    counts = (
        pd.DataFrame({"name": names, "n": np.bincount(codes[codes >= 0], minlength=len(names))})
        .groupby("name", as_index=False)["n"]
        .sum()
    )
    counts = counts.assign(key=[n.casefold() for n in counts["name"]], neg=-counts["n"])
    best = counts.sort_values(["key", "neg", "name"], kind="stable").drop_duplicates("key")
    return dict(zip(best["key"], best["name"], strict=True))


def publish_officers(people: pd.DataFrame, k: int) -> pd.DataFrame:
    """``people`` with ``officer`` withheld where that officer has fewer than ``k`` job seekers
    (and for anyone who is not a job seeker); the release and the report then agree."""
    if "officer" not in people.columns:
        return people
    officer = people["officer"].where(people["in_jobseekers"].astype(bool))
    codes, distinct = pd.factorize(officer)
    caseload = np.bincount(codes[codes >= 0], minlength=len(distinct))
    small = np.append(caseload < k, True)[codes]  # code -1 (no officer) takes the last
    return people.assign(officer=officer.mask(small).astype(people["officer"].dtype))
