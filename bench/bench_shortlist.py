"""Server time of the ranked pages with a large student pool, against a trivial page.

    .venv/bin/python bench/bench_shortlist.py [--students 100000] [--applicants 2000]

Builds a fresh SQLite database in a temporary folder, imports the seed firms and postings
and N generated students (seeds/generate_students.py) with the importer, makes every
student discoverable and the first A students applicants of one posting, then times, in
process with the test client, the employer's shortlist (A applicants ranked with
reasons), the talent search (all N students ranked) and the login page (a trivial page),
each after one warm-up request (which builds the matcher's pool index once per process).
Prints the median times and their ratios to the trivial page.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from web import create_app  # noqa: E402
from web.extensions import db  # noqa: E402
from web.models import (  # noqa: E402
    Application,
    EmployerMembership,
    Posting,
    StudentProfile,
)
from web.services import accounts  # noqa: E402
from web.services.importing import import_paths  # noqa: E402

PASSWORD = "bench-harbour-lantern-42"


def median_ms(client: FlaskClient, path: str, repeat: int) -> float:
    client.get(path)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--applicants", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        students_csv = Path(tmp) / "students.csv"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "seeds" / "generate_students.py"),
                "--count",
                str(args.students),
                "--out",
                str(students_csv),
            ],
            check=True,
        )
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            report = import_paths(
                [ROOT / "seeds" / "firms.csv", ROOT / "seeds" / "postings.csv", students_csv],
                dry_run=False,
            )
            assert not report.errors, report.format_errors()
            db.session.commit()
            print(f"imported {args.students:,} students in {time.perf_counter() - t0:.1f} s")
            db.session.execute(update(StudentProfile).values(discoverable=True))
            posting = db.session.scalar(select(Posting).order_by(Posting.id))
            ids = db.session.scalars(
                select(StudentProfile.id).order_by(StudentProfile.id).limit(args.applicants)
            ).all()
            db.session.execute(
                insert(Application),
                [
                    {
                        "student_id": i,
                        "posting_id": posting.id,
                        "cover_note": "bench",
                        "status": "submitted",
                        "version": 1,
                    }
                    for i in ids
                ],
            )
            employer = accounts.create_user("bench@firm.example.com", PASSWORD, "employer")
            employer.membership = EmployerMembership(firm_id=posting.firm_id, status="approved")
            db.session.commit()
            posting_id = posting.id

        client = app.test_client()
        client.post("/auth/login", data={"email": "bench@firm.example.com", "password": PASSWORD})
        trivial = median_ms(app.test_client(), "/auth/login", args.repeat)  # anonymous
        rows = [
            ("login page (trivial)", trivial),
            (
                f"shortlist ({len(ids):,} applicants)",
                median_ms(client, f"/employer/postings/{posting_id}", args.repeat),
            ),
            (
                f"talent search ({args.students:,} students)",
                median_ms(client, f"/employer/talent?posting={posting_id}", args.repeat),
            ),
        ]
    print(f"\n{'page':<36}{'median ms':>12}{'ratio':>10}")
    for name, ms in rows:
        print(f"{name:<36}{ms:>12.1f}{ms / trivial:>10.1f}")


if __name__ == "__main__":
    main()
