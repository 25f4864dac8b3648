"""Random rows: the importer imports them exactly, or refuses them naming row and column.

Rows mix good values with the bad ones people actually send (wrong levels, stray
colons, control characters, over-long text, duplicate e-mails, unknown languages,
impossible dates). For each generated file the import must either succeed and read
back exactly what the file says (by the rules of seeds/README.md), or fail with every
message naming a row and a column and the database unchanged. It must never crash.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from tests.seedfiles import HEADERS, counts
from web.extensions import db
from web.models import (
    AuditEntry,
    Firm,
    ImportBatch,
    Posting,
    PostingLanguage,
    PostingSkill,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
    User,
)
from web.reference.institutions import resolve_institution
from web.reference.languages import resolve_language

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_LINE = re.compile(r"^(students|postings)\.csv, row (\d+), column (\w+)")


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A good value about nine times in ten, so that whole files are often importable.

    (Hypothesis favours the simplest choice, index 0, so the bad branch is elsewhere.)
    """
    return st.sampled_from(range(10)).flatmap(lambda n: bad if n == 7 else good)


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
long_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=195, max_size=210)
clean_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
name_text = clean_text.map(lambda text: text if text.strip() else "Chan" + text)
word = st.text(
    "abcdefghijklmnopqrstuvwxyzABC 0123456789-+#.機器學習数据分析", min_size=1, max_size=14
).map(lambda text: text if any(ch.isalnum() for ch in text) else text + "x")
good_level = st.sampled_from(["", ":1", ":3", ":5", ": 4", "：2"])
bad_level = st.sampled_from([":0", ":6", ":x", ":3.5", ":", ":1:2"])
good_skills = st.lists(
    st.one_of(
        st.tuples(word, good_level).map("".join),
        st.sampled_from(["Python:4", "python 3", "ML", "機器學習:2", "k8s:3", "Ｓｑｌ"]),
    ),
    max_size=4,
).map(";".join)
bad_skills = st.lists(
    st.one_of(
        st.tuples(word, bad_level).map("".join),
        st.tuples(any_text, good_level).map("".join),
        st.sampled_from([":3", "Python:3;python", "機器學習;ML"]),
    ),
    min_size=1,
    max_size=3,
).map(";".join)
skills_cell = mostly(good_skills, bad_skills)
good_languages = (
    st.lists(st.sampled_from(["English", "粵語", "Mandarin", "ja", "fr"]), max_size=3, unique=True)
    .flatmap(lambda names: st.tuples(*[st.tuples(st.just(n), good_level) for n in names]))
    .map(lambda pairs: "；".join(name + lvl for name, lvl in pairs))
)
bad_languages = st.lists(
    st.tuples(st.sampled_from(["Klingon", "普通话", "Putonghua", ""]), bad_level).map("".join),
    min_size=1,
    max_size=2,
).map(";".join)
languages_cell = mostly(good_languages, bad_languages)


def dates(low: date, high: date) -> st.SearchStrategy[str]:
    good = st.one_of(st.just(""), st.dates(low, high).map(date.isoformat))
    bad = st.one_of(
        st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat),
        st.sampled_from(["2027-02-30", "1/6/2027", "2027-6-1"]),
    )
    return mostly(good, bad)


email_cell = mostly(
    st.from_regex(
        r"[a-zA-Z][a-z0-9]{0,8}(\.[a-z0-9]{1,5})?@(hku|cuhk)\.example\.edu\.hk", fullmatch=True
    ),
    st.one_of(st.sampled_from(["dup@hku.example.edu.hk", "x@y", "", " a@b "]), any_text),
)


def whole(low: int, high: int) -> st.SearchStrategy[str]:
    return mostly(
        st.one_of(st.just(""), st.integers(low, high).map(str)),
        st.one_of(st.integers(-2, 2105).map(str), st.sampled_from(["3.0", "two", "4.5"])),
    )


student_row = st.fixed_dictionaries(
    {
        "email": email_cell,
        "full_name": mostly(name_text, st.one_of(any_text, long_text)),
        "university": mostly(
            st.sampled_from(["", "HKU", "香港中文大學", "The Hong Kong Polytechnic University"]),
            any_text,
        ),
        "programme": mostly(clean_text, any_text),
        "year_of_study": whole(1, 7),
        "graduation_year": whole(2000, 2100),
        "skills": skills_cell,
        "languages": languages_cell,
        "available_from": dates(date(2027, 5, 1), date(2027, 6, 30)),
        "available_to": dates(date(2027, 7, 1), date(2027, 9, 30)),
    }
)
posting_row = st.fixed_dictionaries(
    {
        "ref": mostly(st.from_regex(r"[A-Z]{2,4}-2027-[0-9]{3}", fullmatch=True), any_text),
        "firm": mostly(st.just("Property Firm"), st.sampled_from(["Missing Firm", ""])),
        "title": mostly(name_text, st.one_of(any_text, long_text)),
        "description": mostly(st.text(max_size=60), any_text),
        "location": mostly(clean_text, any_text),
        "start_date": mostly(st.just("2027-06-14"), dates(date(2027, 1, 1), date(2027, 12, 31))),
        "end_date": mostly(
            st.sampled_from(["2027-08-20", "2027-06-15"]),
            dates(date(2027, 1, 1), date(2027, 12, 31)),
        ),
        "capacity": mostly(st.integers(1, 1000).map(str), whole(1, 1000)),
        "deadline": dates(date(2027, 3, 1), date(2027, 6, 13)),
        "required_skills": skills_cell,
        "preferred_skills": skills_cell,
        "languages": languages_cell,
    }
)


def write(path: Any, kind: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes every cell with \r or \n
    writer.writerow(HEADERS[kind])
    writer.writerows([row[c] for c in HEADERS[kind]] for row in rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def items(cell: str, default: int, resolve: Any = None) -> set[tuple[str, int]]:
    """A list cell as seeds/README.md defines it (only used for accepted files)."""
    found = set()
    for raw in re.split("[;；]", cell):
        if not raw.strip():
            continue
        name, *level = re.split("[:：]", raw)
        value = resolve(name.strip()) if resolve else name.strip()
        found.add((value, int(level[0]) if level else default))
    return found


def text_or_none(cell: str) -> str | None:
    return cell.strip() or None


def number(cell: str) -> int | None:
    return int(float(cell)) if cell.strip() else None


def when(cell: str) -> date | None:
    return date.fromisoformat(cell) if cell else None


def check_students(rows: list[dict[str, str]]) -> None:
    for row in rows:
        email = row["email"].strip().lower()
        user = db.session.scalar(
            select(User)
            .where(User.email == email)
            .options(selectinload(User.profile).selectinload(StudentProfile.skills))
        )
        profile = user.profile
        assert user.role == "student" and user.password_hash is None
        assert profile.discoverable is False
        assert profile.full_name == row["full_name"].strip()
        assert profile.university == (resolve_institution(row["university"]) or None)
        assert profile.programme == text_or_none(row["programme"])
        assert profile.year_of_study == number(row["year_of_study"])
        assert profile.graduation_year == number(row["graduation_year"])
        assert profile.available_from == when(row["available_from"])
        assert profile.available_to == when(row["available_to"])
        assert {(s.name, s.level) for s in profile.skills} == items(row["skills"], 3)
        assert {(lang.language, lang.level) for lang in profile.languages} == items(
            row["languages"], 3, resolve_language
        )


def check_postings(rows: list[dict[str, str]]) -> None:
    for row in rows:
        saved = db.session.scalar(select(Posting).where(Posting.ref == row["ref"].strip()))
        assert saved.firm.name == row["firm"] and saved.title == row["title"].strip()
        assert saved.description == row["description"].strip()
        assert saved.location == text_or_none(row["location"])
        assert (saved.start_date, saved.end_date) == (
            when(row["start_date"]),
            when(row["end_date"]),
        )
        assert saved.capacity == number(row["capacity"])
        assert saved.deadline == when(row["deadline"])
        assert {(s.name, s.min_level) for s in saved.required_skills} == items(
            row["required_skills"], 1
        )
        assert {(s.name, s.min_level) for s in saved.preferred_skills} == items(
            row["preferred_skills"], 1
        )
        assert {(lang.language, lang.min_level) for lang in saved.languages} == items(
            row["languages"], 3, resolve_language
        )


def clear() -> None:
    for model in (
        StudentLanguage,
        StudentSkill,
        StudentProfile,
        PostingSkill,
        PostingLanguage,
        Posting,
        AuditEntry,
        ImportBatch,
        User,
    ):
        db.session.execute(delete(model))
    db.session.commit()


def run(runner: Any, tmp_path: Any, kind: str, rows: list[dict[str, str]]) -> None:
    path = tmp_path / f"{kind}.csv"
    write(path, kind, rows)
    before = counts()
    try:
        result = runner.invoke(args=["seeds", "import", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        event("imported" if result.exit_code == 0 else "refused")
        if result.exit_code == 0:
            db.session.expire_all()
            (check_students if kind == "students" else check_postings)(rows)
            return
        assert result.exit_code == 1, result.output
        assert counts() == before, "a refused file must write nothing"
        errors = result.output.split(" errors:\n" if " errors:\n" in result.output else " error:\n")
        lines = [line for line in errors[1].splitlines() if not line.startswith("Nothing")]
        assert lines, result.output
        for line in lines[:50]:
            match = ERROR_LINE.match(line)
            assert match, f"an error without row and column: {line!r}"
            assert 2 <= int(match.group(2)) <= len(rows) + 1
            assert match.group(3) in HEADERS[kind]
    finally:
        clear()


@SETTINGS
@given(rows=st.lists(student_row, min_size=1, max_size=3))
def test_random_student_rows_import_exactly_or_are_refused(runner, tmp_path, rows):
    run(runner, tmp_path, "students", rows)


@SETTINGS
@given(rows=st.lists(posting_row, min_size=1, max_size=3))
def test_random_posting_rows_import_exactly_or_are_refused(runner, tmp_path, make, rows):
    if db.session.scalar(select(Firm).where(Firm.name == "Property Firm")) is None:
        make.firm("Property Firm")
    run(runner, tmp_path, "postings", rows)
