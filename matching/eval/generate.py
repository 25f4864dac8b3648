"""Generate the labelled evaluation set, ``matching/eval/dataset.json`` (seeded).

Run ``python -m matching.eval.generate`` to rewrite it. Each posting has TRUE
requirements (canonical skills and levels) and is written the way a firm would
(English, Simplified Chinese, abbreviations). Each candidate has TRUE skills, written
the way a student might (:mod:`matching.eval.surface`: aliases, both Chinese scripts,
full-width letters, typos). For every posting some candidates are built to fit it,
some to fit it partly, some hold only look-alikes of its skills (JavaScript for Java,
C for C++, Project for Product management ...), and some are random. Relevance 0-3 is
judged from the TRUE skills only (see :func:`grade`), never from the written forms.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from matching.eval.surface import skill_keys, surface_form
from matching.skills import alias_table

SEED = 20270601
OUT = Path(__file__).with_name("dataset.json")

# (title, required [(key, min_level)], preferred keys, languages [(key, min_level)])
POSTINGS = [
    (
        "Machine learning intern",
        [("python", 3), ("machine learning", 3), ("sql", 2), ("statistics", 2)],
        ["pytorch", "spark"],
        [("putonghua", 3), ("english", 3)],
    ),
    (
        "Java back-end developer intern",
        [("java", 3), ("spring", 2), ("mysql", 2), ("redis", 1)],
        ["kubernetes", "microservices"],
        [("putonghua", 2)],
    ),
    (
        "Front-end developer intern",
        [("javascript", 3), ("typescript", 2), ("react", 3), ("css", 2)],
        ["vue", "figma"],
        [("english", 3)],
    ),
    (
        "Quantitative research intern",
        [("python", 3), ("c++", 3), ("statistics", 3), ("quantitative finance", 2)],
        ["algorithmic trading", "derivatives"],
        [("english", 4)],
    ),
    (
        "AML / KYC compliance analyst",
        [("aml", 3), ("kyc", 3), ("regulatory compliance", 2), ("excel", 2)],
        ["sql", "transaction monitoring"],
        [("english", 4), ("cantonese", 3)],
    ),
    (
        "Data analyst intern",
        [("sql", 3), ("data analysis", 3), ("excel", 3), ("tableau", 2)],
        ["python", "power bi"],
        [("putonghua", 3)],
    ),
    (
        "Cloud and DevOps intern",
        [("linux", 3), ("docker", 2), ("kubernetes", 2), ("ci/cd", 2), ("go", 2)],
        ["terraform", "aws"],
        [("english", 3)],
    ),
    (
        "Blockchain developer intern",
        [("blockchain", 3), ("solidity", 2), ("smart contracts", 2), ("go", 2)],
        ["cryptography", "rust"],
        [("english", 3)],
    ),
    (
        "Credit risk modelling intern",
        [("credit risk", 3), ("python", 2), ("r", 2), ("statistics", 3)],
        ["sas", "machine learning"],
        [("english", 3), ("putonghua", 2)],
    ),
    (
        "Product manager intern, payments",
        [
            ("product management", 3),
            ("payments", 2),
            ("user research", 2),
            ("requirements analysis", 2),
        ],
        ["a/b testing", "sql"],
        [("putonghua", 4), ("english", 3)],
    ),
    (
        "UI/UX designer intern",
        [("ui design", 3), ("ux design", 3), ("figma", 3), ("prototyping", 2)],
        ["user research", "html"],
        [("english", 3)],
    ),
    (
        "Security engineer intern",
        [("cybersecurity", 3), ("penetration testing", 2), ("linux", 2), ("c", 2)],
        ["cryptography", "python"],
        [("english", 3)],
    ),
    (
        "NLP / LLM engineer intern",
        [
            ("natural language processing", 3),
            ("python", 3),
            ("large language models", 2),
            ("pytorch", 2),
        ],
        ["knowledge graphs"],
        [("putonghua", 3)],
    ),
    (
        "C# .NET developer, trading systems",
        [("c#", 3), (".net", 2), ("sql server", 2)],
        ["c++"],
        [("english", 3)],
    ),
]

# Skills that look alike but are different: what a careless matcher confuses.
LOOK_ALIKES = {
    "java": ["javascript"],
    "javascript": ["java"],
    "c++": ["c", "c#"],
    "c#": ["c++", "c"],
    "c": ["c++", "c#"],
    "r": ["rust", "ruby"],
    "go": ["gcp", "django"],
    "react": ["react native"],
    "product management": ["project management"],
    "ui design": ["graphic design"],
    "python": ["pytorch"],
    "payments": ["mobile payments"],
    "credit risk": ["credit scoring"],
    "typescript": ["javascript"],
    "cybersecurity": ["security operations"],
    "kyc": ["customer due diligence"],
}
SPOKEN = ["english", "cantonese", "putonghua"]
START, END = date(2027, 6, 1), date(2027, 8, 31)


def posting_text(key: str, rng: random.Random) -> str:
    """How a Shenzhen firm writes a requirement: English name, Chinese or an alias."""
    info = alias_table().skills[key]
    roll = rng.random()
    if roll < 0.45:
        return info.display
    if roll < 0.75 and info.zh_hans:
        return info.zh_hans[0]
    if roll < 0.9 and info.aliases:
        return info.aliases[0]
    return info.display.upper() if len(info.display) < 8 else info.display


def grade(posting: dict, cand: dict) -> int:
    """Relevance 0-3 from TRUE skills: 3 = every requirement at level and every language;
    2 = 75% of the requirements (below level counts half); 1 = 40%; one grade less if the
    candidate can do less than half of the internship's days."""
    held = {s["key"]: s["level"] for s in cand["true_skills"]}
    langs = {s["key"]: s["level"] for s in cand["true_languages"]}
    got = total = 0.0
    for r in posting["required"]:
        total += 1
        level = held.get(r["key"], 0)
        got += 1.0 if level >= r["min_level"] else 0.5 if level else 0.0
    cov = got / total
    lang_ok = all(langs.get(r["key"], 0) >= r["min_level"] for r in posting["languages"])
    g = 3 if cov == 1 and lang_ok else 2 if cov >= 0.75 else 1 if cov >= 0.4 else 0
    if cand["available_from"] is not None:
        lo = max(date.fromisoformat(cand["available_from"]), START)
        hi = min(date.fromisoformat(cand["available_to"]), END)
        if (hi - lo).days + 1 < ((END - START).days + 1) / 2:
            g = max(0, g - 1)
    return g


def _candidate(cid: int, true: dict[str, int], rng: random.Random, fit: bool) -> dict:
    langs = {"cantonese": rng.randint(3, 5)} if rng.random() < 0.85 else {}
    for k in ("english", "putonghua"):
        if fit or rng.random() < 0.7:
            langs[k] = rng.randint(3 if fit else 2, 5)
    if rng.random() < 0.1:
        langs[rng.choice(["japanese", "french", "korean"])] = rng.randint(1, 4)
    avail_from = avail_to = None
    if rng.random() < 0.85:
        start = START + timedelta(days=rng.randint(-30, 10 if fit else 60))
        avail_from, avail_to = start, start + timedelta(days=rng.randint(60 if fit else 20, 120))
    return {
        "id": f"c{cid:03d}",
        "true_skills": [{"key": k, "level": lv} for k, lv in true.items()],
        "true_languages": [{"key": k, "level": lv} for k, lv in langs.items()],
        "skills": [{"name": surface_form(k, rng), "level": lv} for k, lv in true.items()],
        "languages": [
            {"name": surface_form(k, rng, typo_rate=0.0), "level": lv} for k, lv in langs.items()
        ],
        "available_from": avail_from and avail_from.isoformat(),
        "available_to": avail_to and avail_to.isoformat(),
    }


def generate(seed: int = SEED) -> dict:
    """Build the whole data set (postings, candidates, grades) from a seed."""
    rng = random.Random(seed)
    others = skill_keys(exclude=set(skill_keys({"spoken"})))
    postings, truths = [], []
    for i, (title, req, pref, langs) in enumerate(POSTINGS):
        postings.append(
            {
                "id": f"p{i + 1:02d}",
                "title": title,
                "required": [
                    {"skill": posting_text(k, rng), "key": k, "min_level": lv} for k, lv in req
                ],
                "preferred": [
                    {"skill": posting_text(k, rng), "key": k, "min_level": 2} for k in pref
                ],
                "languages": [
                    {"skill": posting_text(k, rng), "key": k, "min_level": lv} for k, lv in langs
                ],
                "start": START.isoformat(),
                "end": END.isoformat(),
            }
        )
        extra = lambda n: {k: rng.randint(1, 5) for k in rng.sample(others, n)}  # noqa: E731
        for _ in range(3):  # fits: every requirement at or above level
            truths.append(
                ({**extra(rng.randint(2, 5)), **{k: rng.randint(lv, 5) for k, lv in req}}, True)
            )
        for _ in range(3):  # partial fits: one or two missing or below level
            true = {k: rng.randint(lv, 5) for k, lv in req}
            for k in rng.sample(list(true), rng.randint(1, 2)):
                if rng.random() < 0.5 or true[k] <= 1:
                    del true[k]
                else:
                    true[k] = rng.randint(1, max(1, dict(req)[k] - 1))
            truths.append(({**extra(rng.randint(2, 5)), **true}, rng.random() < 0.5))
        for _ in range(2):  # look-alikes of the posting's skills
            true = {
                rng.choice(LOOK_ALIKES[k]): rng.randint(3, 5) for k, _ in req if k in LOOK_ALIKES
            }
            true |= {k: rng.randint(lv, 5) for k, lv in req[:1] if k not in LOOK_ALIKES}
            truths.append(({**extra(rng.randint(1, 3)), **true}, False))
        for _ in range(2):  # random
            truths.append((extra(rng.randint(4, 9)), False))
    rng.shuffle(truths)
    candidates = [_candidate(i + 1, t, rng, fit) for i, (t, fit) in enumerate(truths)]
    grades = {p["id"]: {c["id"]: grade(p, c) for c in candidates if grade(p, c)} for p in postings}
    return {"seed": seed, "postings": postings, "candidates": candidates, "grades": grades}


def main() -> None:
    data = generate()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n = sum(len(g) for g in data["grades"].values())
    print(
        f"wrote {OUT}: {len(data['postings'])} postings, {len(data['candidates'])} "
        f"candidates, {n} relevant pairs"
    )


if __name__ == "__main__":
    main()
