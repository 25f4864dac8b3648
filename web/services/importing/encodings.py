"""Choosing a CSV file's text encoding without ever turning Chinese into mojibake silently.

Spreadsheet programs in Hong Kong and the mainland save CSV as UTF-8 (often with a BOM),
GB18030/GBK or Big5-HKSCS. GB18030 in particular decodes almost any byte sequence, so
"it decoded" proves little: a Big5 file read as GB18030 comes out as rare characters,
kana and private-use code points. We therefore (1) prefer strict UTF-8, which is almost
never valid by accident, (2) otherwise let charset-normalizer choose between the two
Chinese encodings, and (3) check the result is plausible: the share of common Chinese
characters (GB2312 or Big5 level 1) among the non-ASCII text. Text that is not plausible,
or an explicit --encoding that reads clearly worse than another accepted one, is an error.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from flask_babel import gettext as _

ACCEPTED = ("utf-8", "gb18030", "big5hkscs")
# Names a user may give to --encoding, mapped to the accepted decoder that reads them
# (GB18030 is a superset of GBK and GB2312, Big5-HKSCS of Big5).
ALIASES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "big5hkscs": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "big5": "big5hkscs",
}
LABELS = {"utf-8": "UTF-8", "gb18030": "GB18030", "big5hkscs": "Big5-HKSCS"}
BOM = codecs.BOM_UTF8
CHUNK = 1 << 20
SAMPLE_BYTES = 256 * 1024  # lines with non-ASCII bytes handed to the detectors
MIN_PLAUSIBLE = 0.5  # share of common characters below which text is garbage
CLEARLY_BETTER = 0.25  # an explicit encoding this much less plausible is refused


class EncodingProblem(ValueError):
    """The bytes cannot be read as text we trust; the message says why, for the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Scan:
    """What one pass over the bytes found, so the file is read only once for detection."""

    sha256: str
    lines: int
    has_bom: bool
    head: bytes
    sample: bytes
    path: Path


def normalise_encoding_name(name: str) -> str:
    """The accepted decoder for a user-given name; ValueError for any other."""
    key = name.strip().lower().replace("_", "-")
    if key not in ALIASES:
        raise ValueError(
            _("Unknown encoding %(name)s: use utf-8, gb18030 or big5hkscs.", name=name)
        )
    return ALIASES[key]


def _strict_decodes(path: Path, encoding: str) -> UnicodeDecodeError | None:
    """Decode the whole file in chunks (bounded memory); the first error, if any."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                exc.start += offset
                return exc
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            exc.start += offset
            return exc
    return None


def _line_of(path: Path, offset: int) -> int:
    line = 1
    with path.open("rb") as fh:
        remaining = offset
        while remaining > 0 and (chunk := fh.read(min(CHUNK, remaining))):
            line += chunk.count(b"\n")
            remaining -= len(chunk)
    return line


@functools.lru_cache(maxsize=1 << 15)
def _is_common(ch: str) -> bool:
    """A character a Chinese text plausibly contains: frequent hanzi, CJK or Latin marks."""
    code = ord(ch)
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0xA0 <= code <= 0x24F:
        return True
    if 0x2000 <= code <= 0x206F:  # general punctuation: dashes, quotes, ellipsis
        return True
    for encoding, low, high in (("gb2312", 0xB0, 0xF7), ("big5", 0xA4, 0xC6)):
        try:
            encoded = ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2 and low <= encoded[0] <= high:
            return True
    return False


def plausibility(text: str) -> float:
    """Share of common characters among the non-ASCII ones (1.0 for pure ASCII)."""
    good = bad = 0
    for ch in text:
        if ch < "\x80":
            continue
        if _is_common(ch):
            good += 1
        else:
            bad += 1
    return good / (good + bad) if good + bad else 1.0


def scan(path: Path) -> Scan:
    """Checksum, line count, BOM and a sample of the non-ASCII lines, in one read."""
    digest = hashlib.sha256()
    lines = 0
    sample: list[bytes] = []
    size = 0
    tail = b""
    with path.open("rb") as fh:
        head = fh.read(4)
        has_bom = head.startswith(BOM)
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if size < SAMPLE_BYTES:
                # Newlines never occur inside a GB18030 or Big5 character, so splitting
                # on them keeps every multibyte character whole.
                parts = (tail + chunk).split(b"\n")
                tail = parts.pop()
                for part in parts:
                    if size < SAMPLE_BYTES and any(b >= 0x80 for b in part):
                        sample.append(part)
                        size += len(part) + 1
        if tail and size < SAMPLE_BYTES and any(b >= 0x80 for b in tail):
            sample.append(tail)
    return Scan(digest.hexdigest(), lines, has_bom, head, b"\n".join(sample), path)


def _readings(sample: bytes) -> dict[str, float]:
    """Plausibility of the sample under each accepted encoding that decodes it."""
    result: dict[str, float] = {}
    for encoding in ACCEPTED:
        try:
            result[encoding] = plausibility(sample.decode(encoding))
        except UnicodeDecodeError:
            continue
    return result


def choose(found: Scan, requested: str | None) -> str:
    """The Python codec name to read this file with; EncodingProblem if none is trusted."""
    if requested:
        return _check_requested(found, normalise_encoding_name(requested))
    if found.has_bom or _strict_decodes(found.path, "utf-8") is None:
        return "utf-8-sig"
    candidates = [enc for enc in ACCEPTED[1:] if _strict_decodes(found.path, enc) is None]
    if not candidates:
        error = _strict_decodes(found.path, "utf-8")
        line = _line_of(found.path, error.start) if error else None
        raise EncodingProblem(
            _("The bytes here are not text in UTF-8, GB18030 or Big5-HKSCS."), line=line
        )
    readings = _readings(found.sample)
    if len(candidates) == 1:
        chosen = candidates[0]
    else:
        best = charset_normalizer.from_bytes(found.sample, cp_isolation=candidates).best()
        chosen = best.encoding if best and best.encoding in candidates else None
        if chosen is None:
            chosen = max(candidates, key=lambda enc: readings.get(enc, 0.0))
    if readings.get(chosen, 0.0) < MIN_PLAUSIBLE:
        raise EncodingProblem(
            _(
                "The Chinese text in this file reads as garbage in every accepted encoding "
                "(UTF-8, GB18030, Big5-HKSCS). Save it again as CSV UTF-8."
            )
        )
    return chosen


def _check_requested(found: Scan, encoding: str) -> str:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    error = _strict_decodes(found.path, codec)
    if error is not None:
        raise EncodingProblem(
            _("The bytes here are not valid %(encoding)s text.", encoding=LABELS[encoding]),
            line=_line_of(found.path, error.start),
        )
    readings = _readings(found.sample)
    mine = readings.get(encoding, 0.0)
    better = [enc for enc, score in readings.items() if score >= mine + CLEARLY_BETTER]
    if mine < MIN_PLAUSIBLE or better:
        hint = LABELS[better[0]] if better else _("another encoding")
        raise EncodingProblem(
            _(
                "Read as %(encoding)s, the Chinese text in this file comes out garbled; "
                "it looks like %(hint)s.",
                encoding=LABELS[encoding],
                hint=hint,
            )
        )
    return codec


# Text once saved as UTF-8, read back as Windows-1252 and saved again: "å¾®ä¼é¶è¡".
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+"
)


def garbled(text: str) -> str | None:
    """The damaged fragment if text shows signs of an earlier wrong conversion, else None."""
    if "\ufffd" in text:
        return "\ufffd"
    for match in _MOJIBAKE.finditer(text):
        fragment = match.group(0)
        for codec in ("cp1252", "latin-1"):
            try:
                fixed = fragment.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if any(ch >= "\x80" for ch in fixed):
                return fragment
    return None
