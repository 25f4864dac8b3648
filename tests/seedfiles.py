"""Writing seed files for the import tests: CSV in any encoding, XLSX, and good rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from web.extensions import db
from web.models import (
    Firm,
    Posting,
    PostingLanguage,
    PostingSkill,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
    User,
)
from web.services.importing.kinds import FIRMS, POSTINGS, STUDENTS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HEADERS = {"firms": FIRMS.columns, "postings": POSTINGS.columns, "students": STUDENTS.columns}


def firm(**values: Any) -> dict[str, Any]:
    return {
        "name": "Qianhai Ledger Labs",
        "name_zh": "前海账本实验室",
        "city": "Shenzhen",
        "website": "https://ledger.example.com",
        "contact_email": "interns@ledger.example.com",
        "description": "A fictitious payments start-up in Qianhai.",
        **values,
    }


def posting(**values: Any) -> dict[str, Any]:
    return {
        "ref": "QLL-2027-001",
        "firm": "Qianhai Ledger Labs",
        "title": "Payments Engineering Intern",
        "description": "Build settlement tooling.",
        "location": "Shenzhen, Qianhai",
        "start_date": "2027-06-14",
        "end_date": "2027-08-20",
        "capacity": "2",
        "deadline": "2027-04-15",
        "required_skills": "Python:3;SQL:2",
        "preferred_skills": "Go",
        "languages": "English:3;Putonghua:4",
        **values,
    }


def student(**values: Any) -> dict[str, Any]:
    return {
        "email": "chan.tai.man@hku.example.edu.hk",
        "full_name": "Chan Tai Man",
        "university": "HKU",
        "programme": "BEng Computer Science",
        "year_of_study": "3",
        "graduation_year": "2028",
        "skills": "Python:4;SQL:3;機器學習",
        "languages": "English:4;粵語:5",
        "available_from": "2027-06-01",
        "available_to": "2027-08-31",
        **values,
    }


def csv_text(
    kind: str, rows: Iterable[Mapping[str, Any]], header: Sequence[str] | None = None
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(header or HEADERS[kind])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue()


def write_csv(
    path: Path,
    kind: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = "utf-8",
    header: Sequence[str] | None = None,
) -> Path:
    path.write_bytes(csv_text(kind, rows, header).encode(encoding))
    return path


def write_xlsx(path: Path, kind: str, rows: Iterable[Sequence[Any]]) -> Path:
    """A one-sheet workbook: the kind's header, then the given cell values as they are."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADERS[kind]))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def counts() -> dict[str, int]:
    """Rows per data table: equal before and after means nothing was written.

    Import batches are left out: a failed run records itself (status failed).
    """
    models = (
        User,
        StudentProfile,
        StudentSkill,
        StudentLanguage,
        Firm,
        Posting,
        PostingSkill,
        PostingLanguage,
    )
    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) or 0 for m in models}


def import_cli(runner: Any, *paths: Path | str, options: Sequence[str] = ()) -> Any:
    return runner.invoke(args=["seeds", "import", *map(str, paths), *options])
