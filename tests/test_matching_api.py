"""The public API of ``matching`` is what ``__all__`` says, and the library stays pure."""

import subprocess
import sys
from pathlib import Path

import matching

ROOT = Path(__file__).resolve().parents[1]


def test_every_name_in_all_is_importable():
    assert len(matching.__all__) == len(set(matching.__all__))
    for name in matching.__all__:
        assert getattr(matching, name) is not None, name


def test_public_functions_and_classes_are_listed():
    public = {
        n
        for n, v in vars(matching).items()
        if not n.startswith("_")
        and callable(v)
        and getattr(v, "__module__", "").startswith("matching")
    }
    assert public <= set(matching.__all__)


def test_matching_imports_no_web_or_database_code():
    code = (
        "import sys, matching, matching.evaluate, matching.allocation\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'psycopg', 'web', 'alembic')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_docstring_examples_run():
    import doctest

    import matching.skills

    for module in (matching, matching.skills):
        assert doctest.testmod(module).failed == 0, module.__name__
