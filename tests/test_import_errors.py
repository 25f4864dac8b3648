"""Bad seed files: every error named by file, row, column and value; nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.seedfiles import (
    HEADERS,
    counts,
    csv_text,
    firm,
    import_cli,
    posting,
    student,
    write_csv,
)
from web.extensions import db
from web.models import ImportBatch


@pytest.fixture
def ledger(make):
    """The firm the posting rows name, already in the database."""
    return make.firm("Qianhai Ledger Labs")


def refused(runner, *paths, options=()):
    """Run the import expecting failure; the output, after checking nothing was written."""
    before = counts()
    result = import_cli(runner, *paths, options=options)
    assert result.exit_code != 0, result.output
    assert "Nothing was written." in result.output
    assert counts() == before
    return result.output


ROW_CASES = [
    # (kind, cell overrides, the message expected, exactly as printed)
    (
        "students",
        {"email": "chan.tai.man@hku"},
        'students.csv, row 2, column email, value "chan.tai.man@hku": '
        "is not a valid e-mail address",
    ),
    (
        "students",
        {"email": "陳@hku.example.edu.hk"},
        'column email, value "陳@hku.example.edu.hk": is not a valid e-mail address',
    ),
    ("students", {"email": ""}, "students.csv, row 2, column email: A value is required here."),
    ("students", {"full_name": "X" * 201}, 'students.csv, row 2, column full_name, value "XXXX'),
    ("students", {"full_name": "X" * 201}, "is 201 characters long; the limit is 200"),
    (
        "students",
        {"university": "Hogwarts"},
        'column university, value "Hogwarts": is not an institution we know',
    ),
    (
        "students",
        {"year_of_study": "8"},
        'column year_of_study, value "8": must be a whole number from 1 to 7',
    ),
    (
        "students",
        {"graduation_year": "twenty"},
        'column graduation_year, value "twenty": must be a whole number from 2000 to 2100',
    ),
    (
        "students",
        {"available_from": "01/06/2027"},
        'column available_from, value "01/06/2027": is not a date written YYYY-MM-DD',
    ),
    (
        "students",
        {"available_from": "2027-02-30"},
        'column available_from, value "2027-02-30": is not a real date',
    ),
    (
        "students",
        {"available_to": "2027-05-01"},
        'column available_to, value "2027-05-01": must be after available_from (2027-06-01)',
    ),
    (
        "students",
        {"skills": "Python:6"},
        'column skills, value "Python:6": level must be a whole number from 1 to 5',
    ),
    (
        "students",
        {"skills": "SQL;Python:high"},
        'column skills, value "Python:high": level must be a whole number from 1 to 5',
    ),
    (
        "students",
        {"skills": "Python:0"},
        'value "Python:0": level must be a whole number from 1 to 5',
    ),
    (
        "students",
        {"skills": "Python:3.5"},
        'value "Python:3.5": level must be a whole number from 1 to 5',
    ),
    (
        "students",
        {"skills": "Python:"},
        'value "Python:": level must be a whole number from 1 to 5',
    ),
    (
        "students",
        {"skills": "Python:3:4"},
        'column skills, value "Python:3:4": an item may contain at most one colon',
    ),
    (
        "students",
        {"skills": ":3"},
        'column skills, value ":3": the name is missing before the colon',
    ),
    (
        "students",
        {"skills": "Python:4;python 3:3"},
        'value "python 3:3": names the same skill as “Python:4”',
    ),
    ("students", {"skills": "機器學習;ML"}, 'value "ML": names the same skill as “機器學習”'),
    ("students", {"skills": "P" * 101}, 'column skills, value "PPPP'),
    (
        "students",
        {"languages": "Klingon:5"},
        'column languages, value "Klingon:5": is not a language we know',
    ),
    (
        "students",
        {"languages": "Mandarin:4;普通話:5"},
        'value "普通話:5": names the same language as “Mandarin:4”',
    ),
    ("students", {"full_name": "Chan\x00Tai Man"}, "contains the control character U+0000"),
    ("students", {"full_name": "å¾®ä¼é¶è¡"}, "The text is garbled"),
    (
        "postings",
        {"firm": "Webank"},
        'postings.csv, row 2, column firm, value "Webank": no firm with this name',
    ),
    (
        "postings",
        {"capacity": "0"},
        'column capacity, value "0": must be a whole number from 1 to 1000',
    ),
    ("postings", {"capacity": "two"}, 'column capacity, value "two": must be a whole number'),
    ("postings", {"capacity": "1.5"}, 'column capacity, value "1.5": must be a whole number'),
    ("postings", {"capacity": "-3"}, 'column capacity, value "-3": must be a whole number'),
    (
        "postings",
        {"end_date": "2027-06-01"},
        'postings.csv, row 2, column end_date, value "2027-06-01": '
        "must be after start_date (2027-06-14)",
    ),
    (
        "postings",
        {"start_date": "next summer"},
        'column start_date, value "next summer": is not a date',
    ),
    (
        "postings",
        {"deadline": "2027-07-01"},
        'column deadline, value "2027-07-01": must be before start_date (2027-06-14)',
    ),
    ("postings", {"ref": "QLL 001"}, 'column ref, value "QLL 001": must not contain spaces'),
    ("postings", {"title": "T" * 201}, 'column title, value "TTTT'),
    ("postings", {"description": "D" * 5001}, "is 5001 characters long; the limit is 5000"),
    (
        "postings",
        {"preferred_skills": "SQL"},
        'column preferred_skills, value "SQL": names the same skill as “SQL:2” in required_skills',
    ),
    (
        "postings",
        {"languages": "English:9"},
        'value "English:9": level must be a whole number from 1 to 5',
    ),
    (
        "firms",
        {"website": "www.example.com"},
        'firms.csv, row 2, column website, value "www.example.com": must be a full web address',
    ),
    (
        "firms",
        {"contact_email": "nobody"},
        'column contact_email, value "nobody": is not a valid e-mail address',
    ),
    ("firms", {"name": ""}, "firms.csv, row 2, column name: A value is required here."),
]


@pytest.mark.parametrize(("kind", "overrides", "message"), ROW_CASES)
def test_a_bad_cell_is_named_and_nothing_is_written(
    runner, tmp_path, ledger, kind, overrides, message
):
    good = {"firms": firm, "postings": posting, "students": student}[kind]
    path = write_csv(tmp_path / f"{kind}.csv", kind, [good(**overrides)])
    output = refused(runner, path)
    assert message in output


def test_duplicate_keys_inside_a_file_name_both_rows(runner, tmp_path, ledger):
    students = write_csv(
        tmp_path / "students.csv",
        "students",
        [
            student(),
            student(full_name="Someone Else"),
            student(email="CHAN.TAI.MAN@hku.example.edu.hk"),
        ],
    )
    output = refused(runner, students)
    assert (
        'students.csv, row 3, column email, value "chan.tai.man@hku.example.edu.hk": '
        "already used on row 2" in output
    )
    assert (
        'students.csv, row 4, column email, value "CHAN.TAI.MAN@hku.example.edu.hk": '
        "already used on row 2" in output
    )
    postings = write_csv(tmp_path / "postings.csv", "postings", [posting(), posting(title="Again")])
    assert 'row 3, column ref, value "QLL-2027-001": already used on row 2' in refused(
        runner, postings
    )


def test_a_duplicate_across_two_files_of_one_run_names_the_other_file(runner, tmp_path):
    one = write_csv(tmp_path / "one.csv", "students", [student()])
    two = write_csv(tmp_path / "two.csv", "students", [student()])
    assert "two.csv, row 2, column email" in refused(runner, one, two)
    assert "already used in one.csv, row 2" in refused(runner, one, two)


def test_a_posting_may_name_a_firm_from_the_same_run_but_not_a_missing_one(runner, tmp_path):
    firms = write_csv(tmp_path / "firms.csv", "firms", [firm(name="Futu Holdings")])
    postings = write_csv(
        tmp_path / "postings.csv",
        "postings",
        [posting(firm="Futu Holdings"), posting(ref="X-1", firm="Futu Holding")],
    )
    output = refused(runner, postings, firms)
    assert (
        'postings.csv, row 3, column firm, value "Futu Holding": no firm with this name' in output
    )
    assert "row 2" not in output


def test_an_email_of_an_employer_account_is_refused(runner, tmp_path, make):
    employer = make.employer()
    path = write_csv(tmp_path / "s.csv", "students", [student(email=employer.email)])
    assert "belongs to an account that is not a student's (employer)" in refused(runner, path)


def test_missing_columns_are_named(runner, tmp_path):
    header = ["email", "full_name", "university", "programme", "year_of_study", "languages"]
    path = write_csv(tmp_path / "students.csv", "students", [student()], header=header)
    output = refused(runner, path)
    assert "students.csv, row 1, value " in output
    assert (
        "Missing columns for a students file: graduation_year, skills, available_from, "
        "available_to." in output
    )


def test_unknown_columns_are_named_not_dropped(runner, tmp_path):
    header = [*student().keys(), "nickname", "wechat_id"]
    path = write_csv(tmp_path / "students.csv", "students", [student()], header=header)
    assert "Unknown columns (not part of a students file): nickname, wechat_id." in refused(
        runner, path
    )


def test_a_header_of_no_known_kind_is_refused(runner, tmp_path):
    path = tmp_path / "misc.csv"
    path.write_text("colour,size\nred,L\n")
    assert "misc.csv, row 1" in refused(runner, path)
    assert "match no kind of seed file" in refused(runner, path)


def test_an_empty_file_and_a_header_only_file_are_refused(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_csv(tmp_path / "header.csv", "students", [])
    output = refused(runner, empty, header_only)
    assert "empty.csv, row 1: The file is empty: the first row must be the header." in output
    assert "header.csv: The file has a header but no data rows." in output


def test_bytes_in_no_accepted_encoding_are_refused(runner, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_text("students", [student()]).encode() + b"\x80\xff\x80\xff,x\n")
    assert (
        "students.csv, row 3: The bytes here are not text in UTF-8, GB18030 or Big5-HKSCS."
        in refused(runner, path)
    )


def test_utf16_gets_a_hint(runner, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_text("students", [student()]).encode("utf-16"))
    assert "UTF-16" in refused(runner, path)


def test_a_wrong_encoding_named_explicitly_is_caught_not_garbled(runner, tmp_path):
    rows = [
        student(full_name="陳大文", skills="機器學習"),
        student(email="b@x.example.edu.hk", full_name="黃小明"),
    ]
    path = write_csv(tmp_path / "students.csv", "students", rows, encoding="big5hkscs")
    output = refused(runner, path, options=["--encoding", "gb18030"])
    assert (
        "Read as GB18030, the Chinese text in this file comes out garbled; "
        "it looks like Big5-HKSCS." in output
    )
    utf8 = write_csv(tmp_path / "utf8.csv", "students", rows)
    assert "it looks like UTF-8" in refused(runner, utf8, options=["--encoding", "big5hkscs"]) or (
        "not valid Big5-HKSCS" in refused(runner, utf8, options=["--encoding", "big5hkscs"])
    )


def test_the_wrong_delimiter_is_named(runner, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(csv_text("students", [student()]).replace(",", ";"))
    output = refused(runner, path)
    assert "students.csv, row 1" in output
    assert "The columns seem to be separated by ';'; separate them with commas." in output


def test_a_row_with_an_unquoted_comma_is_refused(runner, tmp_path):
    path = tmp_path / "students.csv"
    text = csv_text("students", [student()])
    path.write_text(text + text.splitlines()[1].replace("Chan Tai Man", "Chan, Tai Man") + "\n")
    assert "students.csv, row 3, value " in refused(runner, path)
    assert "values beyond the header's 10 columns" in refused(runner, path)


def test_errors_in_several_files_are_all_reported_and_good_files_are_not_written(runner, tmp_path):
    good_firms = write_csv(tmp_path / "firms.csv", "firms", [firm(), firm(name="Other Firm")])
    bad_postings = write_csv(tmp_path / "postings.csv", "postings", [posting(capacity="0")])
    bad_students = write_csv(
        tmp_path / "students.csv",
        "students",
        [student(), student(email="second@hku.example.edu.hk", skills="Python:9")],
    )
    output = refused(runner, good_firms, bad_postings, bad_students)
    assert "firms.csv (firms): 2 rows read, 2 created" in output  # would have been created
    assert "postings.csv, row 2, column capacity" in output
    assert "students.csv, row 3, column skills" in output
    assert "2 errors:" in output
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == "failed" and batch.error_count == 2 and batch.created == 3
    assert [f["name"] for f in batch.files] == ["firms.csv", "postings.csv", "students.csv"]


def test_a_dry_run_reports_the_same_errors(runner, tmp_path):
    path = write_csv(tmp_path / "students.csv", "students", [student(skills="Python:6")])
    output = refused(runner, path, options=["--dry-run"])
    assert 'students.csv, row 2, column skills, value "Python:6"' in output
    assert db.session.scalar(select(ImportBatch)) is None


def test_many_errors_are_capped_then_counted(runner, tmp_path):
    rows = [student(email=f"s{i}@hku.example.edu.hk", year_of_study="9") for i in range(60)]
    output = refused(runner, write_csv(tmp_path / "students.csv", "students", rows))
    assert "60 errors:" in output
    assert "row 51, column year_of_study" in output and "row 52," not in output
    assert "… and 10 more errors." in output


def test_a_missing_path_is_reported(runner, tmp_path):
    output = refused(runner, tmp_path / "nope.csv")
    assert "nope.csv: No such file or folder." in output


# The most characters each text and list column takes (the model's column size; 5000
# for descriptions, 2000 for lists), and a cell one character longer.
CELL_LIMITS = {
    "firms": {
        "name": 200,
        "name_zh": 200,
        "city": 100,
        "website": 300,
        "contact_email": 254,
        "description": 5000,
    },
    "postings": {
        "ref": 40,
        "firm": 200,
        "title": 200,
        "description": 5000,
        "location": 200,
        "required_skills": 2000,
        "preferred_skills": 2000,
        "languages": 2000,
    },
    "students": {
        "email": 254,
        "full_name": 200,
        "university": 200,
        "programme": 200,
        "skills": 2000,
        "languages": 2000,
    },
}
LIMIT_CASES = [
    (kind, col, limit) for kind, cols in CELL_LIMITS.items() for col, limit in cols.items()
]
NOT_TEXT = {
    "postings": {"start_date", "end_date", "capacity", "deadline"},
    "students": {"year_of_study", "graduation_year", "available_from", "available_to"},
}


def _too_long(column: str, length: int) -> str:
    if column == "website":
        return "https://ledger.example.com/" + "x" * (length - 27)
    if column in ("email", "contact_email"):
        return "x" * (length - 12) + "@example.com"
    if column.endswith("skills") or column == "languages":
        return ("English;" * length)[:length]
    return "x" * length


def test_every_column_has_a_limit_or_a_type():
    for kind, columns in HEADERS.items():
        limited = set(CELL_LIMITS[kind]) | NOT_TEXT.get(kind, set())
        assert limited == set(columns), kind


@pytest.mark.parametrize(
    ("kind", "column", "limit"),
    LIMIT_CASES,
)
def test_a_cell_over_its_column_limit_is_named(runner, tmp_path, ledger, kind, column, limit):
    good = {"firms": firm, "postings": posting, "students": student}[kind]
    value = _too_long(column, limit + 1)
    assert len(value) == limit + 1
    output = refused(runner, write_csv(tmp_path / f"{kind}.csv", kind, [good(**{column: value})]))
    assert f'{kind}.csv, row 2, column {column}, value "{value[:20]}' in output
    assert f"is {limit + 1} characters long; the limit is {limit}" in output
    assert output.count(f"column {column},") == 1  # one message for the cell, not per item


@pytest.mark.parametrize(
    ("kind", "column", "items", "limit"),
    [
        ("students", "skills", [f"Skill {n}" for n in range(41)], 40),
        ("postings", "required_skills", [f"Skill {n}" for n in range(21)], 20),
        ("postings", "preferred_skills", [f"Other {n}" for n in range(21)], 20),
    ],
)
def test_a_list_longer_than_the_form_takes_is_refused(
    runner, tmp_path, ledger, kind, column, items, limit
):
    good = {"postings": posting, "students": student}[kind]
    path = write_csv(tmp_path / f"{kind}.csv", kind, [good(**{column: ";".join(items)})])
    output = refused(runner, path)
    assert f"{kind}.csv, row 2, column {column}, value " in output
    assert f"lists {len(items)} items; the limit is {limit}" in output


def test_cells_at_their_limits_are_imported(runner, tmp_path, ledger):
    skills = ";".join(f"Skill {n}" for n in range(40))
    row = student(full_name="x" * 200, programme="y" * 200, skills=skills)
    result = import_cli(runner, write_csv(tmp_path / "students.csv", "students", [row]))
    assert result.exit_code == 0, result.output
