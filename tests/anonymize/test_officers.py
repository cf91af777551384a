"""The officer column as published: one spelling per officer, only with a caseload of k."""

from __future__ import annotations

import pandas as pd

from benelink.anonymize.officers import display_names, officer_key, publish_officers


def test_spellings_of_one_officer_are_shown_as_the_most_frequent_one() -> None:
    written = pd.Series(
        ["Suha Haddad", "SUHA  HADDAD", "Suha Haddad", None, "omar saleh", "Omar Saleh"],
        dtype="string",
    )
    names = display_names(written)
    assert names == {"suha haddad": "Suha Haddad", "omar saleh": "Omar Saleh"}  # tie: smallest
    keys = officer_key(pd.Series([" Suha   HADDAD", None], dtype="string"))
    assert keys.tolist()[0] == "suha haddad" and pd.isna(keys.tolist()[1])
    assert display_names(pd.Series([], dtype="string")) == {}


def test_an_officer_is_published_only_with_k_job_seekers() -> None:
    people = pd.DataFrame(
        {
            "in_jobseekers": [True] * 6 + [False],
            "officer": pd.array(["A", "A", "A", "B", None, "A", "A"], dtype="string"),
        }
    )
    published = publish_officers(people, 3)
    assert published["officer"].tolist()[:4] == ["A", "A", "A", pd.NA]
    assert pd.isna(published["officer"].iloc[6])  # not a job seeker: no officer shown
    assert published["officer"].dtype == people["officer"].dtype
    assert publish_officers(people, 5)["officer"].isna().all()
    assert publish_officers(people.drop(columns="officer"), 3).equals(
        people.drop(columns="officer")
    )
