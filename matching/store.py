"""Array storage behind :class:`matching.ranking.PoolIndex`.

Claims (skills or languages) of all candidates live in one CSR layout: candidate
slot ``i`` owns entries ``starts[i] : starts[i] + lens[i]`` of flat arrays. Each
entry packs its vocabulary id and level as ``code = vocab_id * LEVELS + level`` so a
per-requirement table ``T[vocab_id, level]`` turns into entry values with a single
gather. One extra sentinel entry (code 0, level 0, worth nothing) sits past the end,
which lets ``np.maximum.reduceat`` handle empty candidates at the tail.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from matching.model import MAX_LEVEL, SkillClaim
from matching.skills import canonical, cutoff, fuzzy_forms, is_known

__all__ = ["LEVELS", "ClaimStore", "GrowArray", "Vocabulary"]

#: Levels 0..MAX_LEVEL; level 0 is only used by the sentinel entry.
LEVELS = MAX_LEVEL + 1


class GrowArray:
    """A numpy array with amortised O(1) appends."""

    def __init__(self, dtype: type | np.dtype, capacity: int = 16) -> None:
        self._data = np.zeros(max(capacity, 1), dtype=dtype)
        self.size = 0

    def _reserve(self, extra: int) -> None:
        need = self.size + extra
        if need > len(self._data):
            new = np.zeros(max(need, 2 * len(self._data)), dtype=self._data.dtype)
            new[: self.size] = self._data[: self.size]
            self._data = new

    def append(self, value: object) -> None:
        self._reserve(1)
        self._data[self.size] = value
        self.size += 1

    def extend(self, values: np.ndarray | list) -> None:
        values = np.asarray(values, dtype=self._data.dtype)
        self._reserve(len(values))
        self._data[self.size : self.size + len(values)] = values
        self.size += len(values)

    def reset(self, values: np.ndarray) -> None:
        self._data = np.array(values, dtype=self._data.dtype)
        self.size = len(values)
        self._reserve(1)

    @property
    def view(self) -> np.ndarray:
        """The used part (a view: do not keep it across appends)."""
        return self._data[: self.size]

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)


class Vocabulary:
    """Distinct canonical keys, with their fuzzy forms flattened for ``cdist``."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.ids: dict[str, int] = {}
        self.known = GrowArray(np.bool_)
        self.forms: list[str] = []  # fuzzy forms of all entries, entry by entry
        self.form_starts = GrowArray(np.int64)

    def __len__(self) -> int:
        return len(self.keys)

    def id(self, key: str) -> int:
        """Return the id of a key, adding it if new."""
        vid = self.ids.get(key)
        if vid is None:
            vid = self.ids[key] = len(self.keys)
            self.keys.append(key)
            self.known.append(is_known(key))
            self.form_starts.append(len(self.forms))
            self.forms.extend(fuzzy_forms(key))
        return vid

    def similarities(self, keys: list[str], threshold: float) -> np.ndarray:
        """Similarity of each key with every vocabulary entry, shape ``(len(keys), V)``.

        One ``cdist`` call compares every fuzzy form of the keys with every fuzzy form
        in the vocabulary; segmented maxima then reduce forms to keys and entries. The
        rules of :func:`matching.skills.key_similarity` are applied on top, so each
        cell equals ``key_similarity(keys[i], self.keys[j], threshold)``.
        """
        n, v = len(keys), len(self.keys)
        out = np.zeros((n, v))
        if n == 0 or v == 0:
            return out
        q_forms = [fuzzy_forms(k) for k in keys]
        queries = [f for fs in q_forms for f in fs]
        if queries and self.forms:
            q_lens = np.array([len(fs) for fs in q_forms])
            q_starts = np.concatenate(([0], np.cumsum(q_lens)[:-1]))
            f_starts = self.form_starts.view
            f_lens = np.diff(np.append(f_starts, len(self.forms)))
            m = process.cdist(
                queries,
                self.forms,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff(threshold),
                dtype=np.float64,
                workers=-1,
            )
            rows, cols = q_lens > 0, f_lens > 0
            per_key = np.maximum.reduceat(m, q_starts[rows], axis=0)
            per_entry = np.maximum.reduceat(per_key, f_starts[cols], axis=1)
            out[np.ix_(rows, cols)] = per_entry / 100.0
        q_known = np.array([is_known(k) for k in keys])
        out[np.ix_(q_known, self.known.view)] = 0.0
        for i, k in enumerate(keys):
            j = self.ids.get(k)
            if j is not None:
                out[i, j] = 1.0
        return out


class ClaimStore:
    """Claims of every candidate slot in CSR form, plus the names as written."""

    def __init__(self) -> None:
        self.vocab = Vocabulary()
        self.names: list[str] = []  # distinct names as written
        self._name_ids: dict[str, int] = {}
        self.codes = GrowArray(np.int32)  # vocab_id * LEVELS + level, sentinel last
        self.name_idx = GrowArray(np.int32)
        self.starts = GrowArray(np.int64)
        self.lens = GrowArray(np.int32)
        self.codes.append(0)
        self.name_idx.append(0)

    def append(self, claims: tuple[SkillClaim, ...]) -> None:
        """Add the claims of a new slot at the end."""
        codes, names = [], []
        for c in claims:
            nid = self._name_ids.get(c.name)
            if nid is None:
                nid = self._name_ids[c.name] = len(self.names)
                self.names.append(c.name)
            codes.append(self.vocab.id(canonical(c.name)) * LEVELS + c.level)
            names.append(nid)
        end = self.codes.size - 1  # overwrite the sentinel, then put it back
        self.codes.size = self.name_idx.size = end
        self.starts.append(end)
        self.lens.append(len(codes))
        self.codes.extend([*codes, 0])
        self.name_idx.extend([*names, 0])

    def claims(self, slot: int) -> tuple[SkillClaim, ...]:
        """The claims of one slot, rebuilt as written."""
        s, n = int(self.starts.view[slot]), int(self.lens.view[slot])
        codes, names = self.codes.view[s : s + n], self.name_idx.view[s : s + n]
        return tuple(
            SkillClaim(self.names[int(i)], int(c) % LEVELS)
            for c, i in zip(codes, names, strict=True)
        )

    def keep(self, slots: np.ndarray) -> None:
        """Keep only the given slots (in that order), dropping the others' entries."""
        codes, names, starts = self.gather(slots, self.name_idx.view)
        self.codes.reset(codes)
        self.name_idx.reset(names)
        self.lens.reset(self.lens.view[slots])
        self.starts.reset(starts)

    def gather(
        self, slots: np.ndarray, extra: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """CSR of a subset of slots: ``(codes + sentinel, extra + sentinel, starts)``."""
        lens = self.lens.view[slots].astype(np.int64)
        starts = np.zeros(len(slots), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        total = int(lens.sum())
        idx = np.repeat(self.starts.view[slots] - starts, lens) + np.arange(total)
        idx = np.append(idx, self.codes.size - 1)  # the sentinel
        return self.codes.view[idx], (None if extra is None else extra[idx]), starts

    @staticmethod
    def relevant(
        vocab_mask: np.ndarray, codes: np.ndarray, starts: np.ndarray, lens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keep only entries whose skill is similar to some requirement of the posting.

        Others are worth 0 for every requirement, so dropping them (and candidates left
        with nothing) changes no maximum and saves most of the work. Returns the kept
        codes (plus the sentinel), their segment starts and the rows (slots) they
        belong to.
        """
        if len(vocab_mask) == 0:
            vocab_mask = np.zeros(1, dtype=bool)
        keep = np.repeat(vocab_mask, LEVELS).take(codes)  # take: faster than fancy indexing
        keep[-1] = True  # the sentinel
        csum = np.zeros(len(keep) + 1, dtype=np.int32 if len(keep) < 2**31 else np.int64)
        np.cumsum(keep, out=csum[1:])
        kept_starts = csum[starts]
        rows = np.flatnonzero(csum[starts + lens] > kept_starts)
        return codes[keep], kept_starts[rows], rows

    @staticmethod
    def best(
        sims: np.ndarray,
        min_level: int,
        codes: np.ndarray,
        starts: np.ndarray,
        rows: np.ndarray,
    ) -> np.ndarray:
        """Each row's best ``similarity * level_credit`` for one requirement.

        Rows are those :meth:`relevant` returned (any other row's best is 0).

        ``sims`` is the requirement's similarity with every vocabulary entry and
        ``codes, starts`` come from :meth:`relevant`. The credit table uses the
        same float operations as :func:`matching.scoring.level_credit`.
        """
        if len(sims) == 0:
            sims = np.zeros(1)  # empty vocabulary: only the sentinel is looked up
        credit = np.minimum(1.0, np.arange(LEVELS) / min_level)
        table = (sims[:, None] * credit[None, :]).ravel()
        if not len(rows):
            return np.zeros(0)
        return np.maximum.reduceat(table.take(codes), starts)

    @property
    def nbytes(self) -> int:
        arrays = (
            self.codes,
            self.name_idx,
            self.starts,
            self.lens,
            self.vocab.known,
            self.vocab.form_starts,
        )
        return sum(a.nbytes for a in arrays)
