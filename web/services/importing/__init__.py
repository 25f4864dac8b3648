"""Bulk import of seed files (firms, postings, students) from CSV or XLSX.

One job per module: ``reading`` (files, encodings in ``encodings``), ``kinds`` (header ->
kind), ``cells`` and ``records`` (row validation into plain dataclasses), ``writing`` and
``writing_students`` (Core batches), ``report`` (what happened) and ``run`` (the whole
run, all-or-nothing). The public entry point is :func:`import_paths`.
"""

from web.services.importing.report import FileReport, ImportIssue, ImportReport
from web.services.importing.run import import_paths

__all__ = ["FileReport", "ImportIssue", "ImportReport", "import_paths"]
