"""Uploaded seed files, kept on the server between the preview and the confirmation.

Each upload gets a folder named by a random id under UPLOAD_FOLDER (default
instance/uploads). Files are saved under generated names (0.csv, 1.xlsx, ...) and the
original names live in a manifest, so nothing the browser sends becomes a path. The id
travels in the session only; a request naming any other folder finds nothing.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from flask import current_app
from werkzeug.datastructures import FileStorage

UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
MANIFEST = "manifest.json"
KEEP_SECONDS = 24 * 3600  # an abandoned preview is cleared after a day


@dataclass(frozen=True)
class Upload:
    id: str
    paths: list[Path]
    labels: dict[str, str]  # str(path) -> the name the coordinator uploaded
    encoding: str | None


def root() -> Path:
    folder = current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"
    return Path(folder)


def display_name(filename: str | None) -> str:
    """The last part of a browser-sent file name, without control characters."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "upload"


def save(files: list[FileStorage], encoding: str | None) -> Upload:
    """Store the files of one upload and return it; old abandoned uploads are pruned."""
    prune()
    upload_id = secrets.token_hex(16)
    folder = root() / upload_id
    folder.mkdir(parents=True, mode=0o700)
    names = []
    for index, storage in enumerate(files):
        name = display_name(storage.filename)
        suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
        storage.save(folder / f"{index}{suffix}")
        names.append([f"{index}{suffix}", name])
    (folder / MANIFEST).write_text(
        json.dumps({"files": names, "encoding": encoding or None}), encoding="utf-8"
    )
    found = load(upload_id)
    assert found is not None
    return found


def load(upload_id: str | None) -> Upload | None:
    """The upload with this id, or None for a malformed, unknown or cleared id."""
    if not upload_id or not UPLOAD_ID.fullmatch(upload_id):
        return None
    folder = root() / upload_id
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    paths = [folder / stored for stored, _name in manifest["files"]]
    labels = {str(folder / stored): name for stored, name in manifest["files"]}
    return Upload(upload_id, paths, labels, manifest.get("encoding"))


def discard(upload_id: str | None) -> None:
    if upload_id and UPLOAD_ID.fullmatch(upload_id):
        shutil.rmtree(root() / upload_id, ignore_errors=True)


def prune(max_age: float = KEEP_SECONDS) -> None:
    """Remove uploads nobody confirmed or cancelled within max_age seconds."""
    folder = root()
    if not folder.is_dir():
        return
    cutoff = time.time() - max_age
    for child in folder.iterdir():
        if UPLOAD_ID.fullmatch(child.name) and child.stat().st_mtime < cutoff:
            shutil.rmtree(child, ignore_errors=True)
