"""`flask seeds import`: the seed folder, re-imports, dry runs, XLSX and encodings."""

from __future__ import annotations

import zipfile
from datetime import date

from sqlalchemy import select

from tests.seedfiles import (
    SEEDS,
    counts,
    firm,
    import_cli,
    posting,
    student,
    write_csv,
    write_xlsx,
)
from web.extensions import db
from web.models import AuditEntry, Firm, ImportBatch, Posting, StudentProfile, User
from web.services.skills import skill_key


def profile_of(email: str) -> StudentProfile:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None and user.profile is not None
    return user.profile


def test_the_seed_folder_imports_into_a_fresh_database(runner):
    result = import_cli(runner, SEEDS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "firms.csv (firms): 12 rows read, 12 created, 0 updated, 0 unchanged"
    assert lines[1] == "postings.csv (postings): 37 rows read, 37 created, 0 updated, 0 unchanged"
    assert lines[2] == (
        "students.csv (students): 320 rows read, 320 created, 0 updated, 0 unchanged"
    )
    assert counts()["Firm"] == 12 and counts()["Posting"] == 37
    assert counts()["StudentProfile"] == 320
    webank = db.session.scalar(select(Firm).where(Firm.name == "WeBank"))
    assert webank.name_zh == "微众银行"
    wb1 = db.session.scalar(select(Posting).where(Posting.ref == "WB-2027-001"))
    assert wb1.firm == webank and wb1.capacity == 4 and wb1.start_date == date(2027, 6, 14)
    assert {(s.name, s.min_level) for s in wb1.required_skills} >= {("信用风险", 2)}
    assert {(s.name, s.min_level) for s in wb1.preferred_skills} == {
        ("Machine Learning", 2),
        ("SAS", 1),  # no level in the file: any level counts
    }
    first = profile_of("s0001.leung@hku.example.edu.hk")
    assert first.full_name == "Zellon Leung" and first.university == "HKU"
    assert first.discoverable is False and first.user.password_hash is None
    assert first.user.role == "student"
    skills = {s.name: (s.key, s.level) for s in first.skills}
    assert skills["excel"] == (skill_key("excel"), 3)
    assert skills["Valuation"][1] == 3  # the default level for students
    assert {lang.language for lang in first.languages} == {"english", "putonghua", "cantonese"}
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == "succeeded" and batch.source == "cli" and batch.created == 369
    assert [f["name"] for f in batch.files] == ["firms.csv", "postings.csv", "students.csv"]
    assert all(len(f["sha256"]) == 64 for f in batch.files)
    assert "import.succeeded" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_second_run_changes_nothing(runner):
    import_cli(runner, SEEDS)
    before = profile_of("s0002.wu@cuhk.example.edu.hk").updated_at
    result = import_cli(runner, SEEDS)
    assert result.exit_code == 0, result.output
    assert "12 rows read, 0 created, 0 updated, 12 unchanged" in result.output
    assert "37 rows read, 0 created, 0 updated, 37 unchanged" in result.output
    assert "320 rows read, 0 created, 0 updated, 320 unchanged" in result.output
    assert profile_of("s0002.wu@cuhk.example.edu.hk").updated_at == before
    assert counts()["StudentSkill"] > 0


def test_the_demo_seeds_add_nothing_after_the_main_seeds(runner):
    import_cli(runner, SEEDS)
    result = import_cli(runner, SEEDS / "demo")
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output.splitlines()[-1]


def test_a_changed_row_updates_the_record_and_replaces_its_lists(runner, tmp_path):
    firms = write_csv(tmp_path / "firms.csv", "firms", [firm()])
    postings = write_csv(tmp_path / "postings.csv", "postings", [posting()])
    students = write_csv(
        tmp_path / "students.csv",
        "students",
        [
            student(skills="Python:3;SQL:2", languages="English:4;Cantonese:5"),
            student(email="lee.siu.ming@cuhk.example.edu.hk", full_name="Lee Siu Ming"),
        ],
    )
    assert import_cli(runner, firms, postings, students).exit_code == 0

    write_csv(
        students,
        "students",
        [
            student(
                email="Chan.Tai.Man@HKU.example.edu.hk",
                skills="Python:4",
                languages="普通話:3",
                full_name="CHAN Tai Man",
            ),
            student(email="lee.siu.ming@cuhk.example.edu.hk", full_name="Lee Siu Ming"),
        ],
    )
    write_csv(postings, "postings", [posting(required_skills="Rust:2", preferred_skills="")])
    result = import_cli(runner, firms, postings, students)
    assert result.exit_code == 0, result.output
    assert (
        "students.csv (students): 2 rows read, 0 created, 1 updated, 1 unchanged" in result.output
    )
    assert (
        "postings.csv (postings): 1 rows read, 0 created, 1 updated, 0 unchanged" in result.output
    )
    profile = profile_of("chan.tai.man@hku.example.edu.hk")
    assert profile.full_name == "CHAN Tai Man"
    assert [(s.name, s.level) for s in profile.skills] == [("Python", 4)]
    assert [(lang.language, lang.level) for lang in profile.languages] == [("putonghua", 3)]
    changed = db.session.scalar(select(Posting).where(Posting.ref == "QLL-2027-001"))
    assert [(s.name, s.kind, s.min_level) for s in changed.skills] == [("Rust", "required", 2)]
    assert counts()["User"] == 2


def test_an_imported_student_keeps_a_claimed_password_and_privacy(runner, tmp_path, make):
    claimed = make.student("chan.tai.man@hku.example.edu.hk")
    claimed.profile.discoverable = True
    db.session.commit()
    hashed = claimed.password_hash
    result = import_cli(runner, write_csv(tmp_path / "s.csv", "students", [student()]))
    assert "1 updated" in result.output
    profile = profile_of("chan.tai.man@hku.example.edu.hk")
    assert profile.user.password_hash == hashed and profile.discoverable is True


def test_a_dry_run_reports_but_writes_nothing(runner):
    before = counts()
    result = import_cli(runner, SEEDS, options=["--dry-run"])
    assert result.exit_code == 0, result.output
    assert "320 rows read, 320 created" in result.output
    assert "Dry run, nothing written." in result.output
    assert counts() == before
    assert db.session.scalar(select(ImportBatch)) is None


def test_a_folder_is_read_in_dependency_order_and_other_files_are_ignored(runner, tmp_path):
    # Named so that alphabetical order would be wrong: students, postings, then firms.
    write_csv(tmp_path / "a.csv", "students", [student()])
    write_csv(tmp_path / "b.csv", "postings", [posting()])
    write_csv(tmp_path / "c.csv", "firms", [firm()])
    (tmp_path / "notes.txt").write_text("not a seed file")
    (tmp_path / "~$c.xlsx").write_bytes(b"an Excel lock file")
    nested = tmp_path / "old"
    nested.mkdir()
    write_csv(nested / "firms.csv", "firms", [firm(name="Nested Firm")])
    result = import_cli(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert [line.split(" ")[0] for line in result.output.splitlines()[:3]] == [
        "c.csv",
        "b.csv",
        "a.csv",
    ]
    assert db.session.scalar(select(Firm).where(Firm.name == "Nested Firm")) is None
    assert db.session.scalar(select(Posting.ref)) == "QLL-2027-001"


def _with_cached_formula(path, cell: str, formula: str, value: str) -> None:
    """Give a formula cell the value Excel would have saved (openpyxl writes none)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    plain = (
        f"<f>{formula}</f><v></v>" if f"<f>{formula}</f><v></v>" in sheet else f"<f>{formula}</f>"
    )
    assert plain in sheet and f'r="{cell}"' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        plain, f"<f>{formula}</f><v>{value}</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_xlsx_reads_values_formulas_and_date_cells(runner, tmp_path):
    firms = write_xlsx(tmp_path / "firms.xlsx", "firms", [list(firm().values())])
    row = posting()
    values = [row[c] for c in row]
    values[5:9] = [date(2027, 6, 14), date(2027, 8, 20), "=1+2", date(2027, 4, 15)]
    postings = write_xlsx(tmp_path / "postings.xlsx", "postings", [[], values])  # a blank row
    _with_cached_formula(postings, "H3", "1+2", "3")
    result = import_cli(runner, postings, firms)
    assert result.exit_code == 0, result.output
    saved = db.session.scalar(select(Posting).where(Posting.ref == "QLL-2027-001"))
    assert saved.capacity == 3
    assert (saved.start_date, saved.end_date, saved.deadline) == (
        date(2027, 6, 14),
        date(2027, 8, 20),
        date(2027, 4, 15),
    )
    assert saved.firm.name_zh == "前海账本实验室"


def test_xlsx_errors_name_the_row_the_spreadsheet_shows(runner, tmp_path):
    row = posting(capacity=2.5)
    path = write_xlsx(tmp_path / "postings.xlsx", "postings", [[], [], list(row.values())])
    result = import_cli(runner, write_csv(tmp_path / "f.csv", "firms", [firm()]), path)
    assert result.exit_code != 0
    assert 'postings.xlsx, row 4, column capacity, value "2.5"' in result.output


CHINESE = {
    "full_name": "陳大文",
    "programme": "計算機科學（金融科技）",
    "university": "香港中文大學",
    "skills": "機器學習:4；數據分析",  # full-width separator, as a Chinese keyboard types it
    "languages": "粵語:5;普通話:4;英語",
}


def test_utf8_with_a_bom_round_trips_chinese(runner, tmp_path):
    path = write_csv(tmp_path / "s.csv", "students", [student(**CHINESE)], encoding="utf-8-sig")
    result = import_cli(runner, path)
    assert result.exit_code == 0, result.output
    profile = profile_of("chan.tai.man@hku.example.edu.hk")
    assert profile.full_name == "陳大文" and profile.programme == "計算機科學（金融科技）"
    assert profile.university == "CUHK"
    assert {(s.name, s.level) for s in profile.skills} == {("機器學習", 4), ("數據分析", 3)}
    assert {lang.language for lang in profile.languages} == {"cantonese", "putonghua", "english"}


def test_gb18030_round_trips_simplified_chinese(runner, tmp_path):
    firms = write_csv(
        tmp_path / "firms.csv",
        "firms",
        [
            firm(
                name="Shenzhen Qianhai Fintech",
                name_zh="深圳前海微众金融科技",
                city="深圳",
                description="为小微企业提供跨境支付；粤港澳大湾区。",
            )
        ],
        encoding="gb18030",
    )
    students = write_csv(
        tmp_path / "students.csv",
        "students",
        [
            student(
                full_name="张伟",
                programme="金融科技硕士",
                skills="机器学习:4;区块链",
                languages="普通话:5",
            )
        ],
        encoding="gb18030",
    )
    result = import_cli(runner, firms, students)
    assert result.exit_code == 0, result.output
    saved = db.session.scalar(select(Firm).where(Firm.name == "Shenzhen Qianhai Fintech"))
    assert saved.name_zh == "深圳前海微众金融科技" and saved.city == "深圳"
    assert saved.description == "为小微企业提供跨境支付；粤港澳大湾区。"
    profile = profile_of("chan.tai.man@hku.example.edu.hk")
    assert profile.full_name == "张伟" and profile.programme == "金融科技硕士"
    assert {s.name for s in profile.skills} == {"机器学习", "区块链"}
    # The same file with the encoding named explicitly is unchanged.
    again = import_cli(runner, firms, students, options=["--encoding", "gb18030"])
    assert "0 created, 0 updated, 2 unchanged" in again.output.splitlines()[-1]


def test_big5_hkscs_round_trips_traditional_chinese_and_hkscs_characters(runner, tmp_path):
    names = [("陳大文", "a"), ("何𡃁仔", "b"), ("黃小明", "c"), ("李嘉欣", "d")]  # 𡃁 is HKSCS only
    rows = [
        student(
            email=f"{key}@hku.example.edu.hk",
            full_name=name,
            **{k: v for k, v in CHINESE.items() if k != "full_name"},
        )
        for name, key in names
    ]
    path = write_csv(tmp_path / "students.csv", "students", rows, encoding="big5hkscs")
    result = import_cli(runner, path)
    assert result.exit_code == 0, result.output
    for name, key in names:
        profile = profile_of(f"{key}@hku.example.edu.hk")
        assert profile.full_name == name
        assert profile.programme == "計算機科學（金融科技）"
    explicit = import_cli(runner, path, options=["--encoding", "big5hkscs"])
    assert "4 unchanged" in explicit.output
