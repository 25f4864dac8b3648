"""Generated programme data at scale for bench/load_data.py: firms, postings, applications.

Firms and postings are written as seed files (the importer loads them); applications
are rows for a bulk COPY, since applying is a web action the importer does not do.
Everything is deterministic for a given seed. The 12 real firms come from
seeds/firms.csv; the others are invented names (``example.com`` contacts). Posting
skills are the display names, aliases and Chinese names of matching/aliases.csv, picked
by role family, so the matcher sees the same spelling variety as in real postings.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIRM_HEADER = ["name", "name_zh", "city", "website", "contact_email", "description"]
POSTING_HEADER = [
    "ref", "firm", "title", "description", "location", "start_date", "end_date",
    "capacity", "deadline", "required_skills", "preferred_skills", "languages",
]  # fmt: skip

# fmt: off
PLACES = [("Qianhai", "前海"), ("Nanshan", "南山"), ("Futian", "福田"), ("Shekou", "蛇口"),
          ("Bao'an", "宝安"), ("Longhua", "龙华"), ("Luohu", "罗湖"), ("Pengcheng", "鹏城"),
          ("Shenzhen Bay", "深圳湾"), ("Greater Bay", "大湾区"), ("Xili", "西丽"),
          ("Keyuan", "科苑")]
TRADES = [("Ledger", "账本"), ("Wealth", "财富"), ("Pay", "支付"), ("Credit", "信用"),
          ("Risk", "风控"), ("Data", "数据"), ("Quant", "量化"), ("Chain", "链"),
          ("Insure", "保险"), ("Capital", "资本"), ("Cloud", "云"), ("Trade", "贸易")]
KINDS = [("Technology", "科技"), ("Fintech", "金融科技"), ("Digital", "数字"),
         ("Labs", "实验室"), ("Financial Services", "金融服务"),
         ("Information Technology", "信息技术")]
LOCATIONS = ["Shenzhen, Nanshan District", "Shenzhen, Futian District", "Shenzhen, Qianhai",
             "深圳市南山区", "深圳市福田区", "深圳市前海", "Shenzhen, Luohu District",
             "Shenzhen, Bao'an District", "Shenzhen, Longhua District", "深圳市宝安区"]
# Role family: (titles, aliases.csv categories for required skills, for preferred skills)
FAMILIES = {
    "data": (["Data Analyst Intern", "Data Engineering Intern", "Business Intelligence Intern"],
             ["data", "tools"], ["data", "ml", "cloud"]),
    "ml": (["Machine Learning Engineer Intern", "AI Research Intern (NLP)",
            "Risk Modelling Intern (Machine Learning)"], ["ml", "programming", "data"],
           ["ml", "data", "cloud"]),
    "backend": (["Back End Engineering Intern", "Payments Platform Engineer Intern",
                 "Core Banking Software Intern"], ["programming", "engineering", "data"],
                ["devops", "cloud", "engineering"]),
    "frontend": (["Front End Engineering Intern (Mobile Banking)", "Full-stack Developer Intern"],
                 ["web", "programming"], ["design", "mobile", "engineering"]),
    "mobile": (["Mobile App Developer Intern", "Mini Program Developer Intern"],
               ["mobile", "programming"], ["web", "design"]),
    "quant": (["Quantitative Research Intern", "Credit Risk Analyst Intern", "Market Risk Intern"],
              ["finance", "programming", "data"], ["finance", "ml", "tools"]),
    "finance": (["Investment Analyst Intern", "Wealth Management Intern",
                 "Corporate Finance Intern"], ["finance", "tools"], ["finance", "soft"]),
    "regtech": (["Compliance Analyst Intern (RegTech)", "AML Operations Intern",
                 "Data Privacy Intern"], ["regtech", "finance"], ["regtech", "soft", "data"]),
    "product": (["Product Manager Intern", "Product Operations Intern",
                 "Business Analyst Intern"], ["product", "soft"], ["data", "design", "tools"]),
    "design": (["UX Design Intern", "UI Designer Intern"], ["design", "product"], ["web", "soft"]),
    "security": (["Security Engineering Intern", "Identity and Access Management Intern"],
                 ["security", "devops"], ["programming", "cloud"]),
    "cloud": (["Cloud Infrastructure Intern", "DevOps Engineering Intern"],
              ["cloud", "devops"], ["programming", "engineering"]),
    "blockchain": (["Blockchain Engineering Intern", "Digital Assets Analyst Intern"],
                   ["finance", "programming"], ["security", "engineering"]),
}
DUTIES = ["clean and join loan performance data", "build dashboards for the operations team",
          "write and review code with senior engineers", "run experiments and present results",
          "test new features before release", "document requirements with business users",
          "automate manual checks", "monitor models in production", "analyse user feedback",
          "prepare reports for risk managers", "improve data quality checks",
          "support cross-boundary payment projects for Hong Kong users"]
# fmt: on


@dataclass(frozen=True)
class Skill:
    key: str
    names: tuple[str, ...]  # display name first, then aliases and Chinese names


def read_skills() -> dict[str, list[Skill]]:
    """aliases.csv grouped by category: every way a posting may write each skill."""
    by_category: dict[str, list[Skill]] = {}
    with (ROOT / "matching" / "aliases.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row["display"]]
            for column in ("aliases", "zh_hans", "zh_hant"):
                names += [n for n in row[column].split("|") if n and ":" not in n]
            by_category.setdefault(row["category"], []).append(Skill(row["key"], tuple(names)))
    return by_category


def summer_year(today: date) -> int:
    """The next summer whose application deadlines (from 31 March) are a month away."""
    year = today.year
    while date(year, 3, 31) < today + timedelta(days=30):
        year += 1
    return year


def firm_rows(count: int, rng: random.Random) -> list[list[str]]:
    """The real firms of seeds/firms.csv, then invented ones up to ``count``."""
    with (ROOT / "seeds" / "firms.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)[:count]
    names = {r[0] for r in rows}
    combos = [(p, t, k) for p in PLACES for t in TRADES for k in KINDS]
    rng.shuffle(combos)
    for (place, place_zh), (trade, trade_zh), (kind, kind_zh) in combos:
        if len(rows) >= count:
            break
        name = f"{place} {trade} {kind}"
        if name in names:
            continue
        slug = "".join(ch for ch in name.lower() if ch.isalnum())
        rows.append(
            [
                name,
                f"{place_zh}{trade_zh}{kind_zh}",
                "Shenzhen",
                f"https://www.{slug}.example.com",
                f"internships@{slug}.example.com",
                f"A fictitious Shenzhen fintech firm ({trade.lower()} and {kind.lower()}), "
                "generated for load testing.",
            ]
        )
        names.add(name)
    if len(rows) < count:
        raise SystemExit(f"at most {len(combos) + 12} firms can be generated")
    return rows


def _skill_list(rng: random.Random, pool: list[Skill], n: int, taken: set[str]) -> list[str]:
    items = []
    for skill in rng.sample(pool, min(len(pool), n * 2)):
        if len(items) == n:
            break
        if skill.key in taken:
            continue
        taken.add(skill.key)
        name = skill.names[0] if rng.random() < 0.75 else rng.choice(skill.names)
        items.append(name if rng.random() < 0.15 else f"{name}:{rng.choice((2, 3, 3, 4))}")
    return items


def posting_rows(count: int, firms: list[list[str]], rng: random.Random) -> Iterator[list[str]]:
    """``count`` postings spread over the firms (a few firms post many), summer internships."""
    skills = read_skills()
    year = summer_year(date.today())
    weights = [rng.paretovariate(1.2) for _ in firms]
    numbers: dict[int, int] = {}
    for _n in range(count):
        f = rng.choices(range(len(firms)), weights=weights, k=1)[0]
        numbers[f] = numbers.get(f, 0) + 1
        family, (titles, required_from, preferred_from) = rng.choice(list(FAMILIES.items()))
        taken: set[str] = set()
        required = []
        for category in required_from:
            required += _skill_list(rng, skills[category], rng.choice((1, 2, 2, 3)), taken)
        preferred = []
        for category in preferred_from:
            preferred += _skill_list(rng, skills[category], rng.choice((0, 1, 1, 2)), taken)
        languages = [f"English:{rng.choice((3, 3, 4))}"]
        if rng.random() < 0.7:
            languages.append(
                f"{rng.choice(('Putonghua', '普通话', 'Mandarin'))}:{rng.choice((3, 4))}"
            )
        if rng.random() < 0.15:
            languages.append("Cantonese:3")
        start = date(year, 6, 1) + timedelta(days=rng.randint(0, 35))
        end = start + timedelta(weeks=rng.randint(8, 12))
        deadline = date(year, 3, 31) + timedelta(days=rng.randint(0, 30))
        duties = rng.sample(DUTIES, 3)
        title = rng.choice(titles)
        yield [
            f"F{f + 1:03d}-{year}-{numbers[f]:03d}",
            firms[f][0],
            title,
            f"Join the {family} team as a {title.lower()}. You will {duties[0]}, {duties[1]} "
            f"and {duties[2]}. Generated for load testing.",
            rng.choice(LOCATIONS),
            start.isoformat(),
            end.isoformat(),
            str(rng.choice((1, 1, 2, 2, 3, 4, 5, 8))),
            deadline.isoformat(),
            ";".join(required),
            ";".join(preferred),
            ";".join(languages),
        ]


def write_csv(path: Path, header: list[str], rows: Iterator[list[str]] | list[list[str]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        n = 0
        for n, row in enumerate(rows, start=1):  # noqa: B007
            writer.writerow(row)
    return n


# -------------------------------------------------------------------------- applications

# Final stage -> share of applications; the path to it is built by _path().
STAGE_SHARES = {
    "submitted": 0.40, "under_review": 0.18, "shortlisted": 0.10, "interview": 0.07,
    "offered": 0.03, "accepted": 0.02, "declined": 0.02, "rejected": 0.14, "withdrawn": 0.04,
}  # fmt: skip
PIPELINE = ("submitted", "under_review", "shortlisted", "interview", "offered")
NOTES = ["", "", "I would love to work on payments for Hong Kong users.",
         "My final-year project used the same stack as this team.",
         "I am available for the whole summer and can work in Putonghua."]  # fmt: skip


@dataclass
class Applications:
    """Column tuples for COPY: applications, application_events and transfer consents."""

    applications: list[tuple[object, ...]]
    events: list[tuple[object, ...]]
    consents: list[tuple[object, ...]]


def _path(final: str, rng: random.Random) -> list[str]:
    if final in PIPELINE:
        return list(PIPELINE[: PIPELINE.index(final) + 1])
    if final in ("accepted", "declined"):
        return [*PIPELINE, final]
    return [*PIPELINE[: rng.randint(1, 4)], final]  # rejected or withdrawn at some stage


def applications(
    count: int,
    students: list[tuple[int, int]],  # (profile id, user id)
    postings: list[tuple[int, int, int]],  # (posting id, firm id, capacity), visible ones
    *,
    seed: int,
    now: datetime | None = None,
) -> Applications:
    """``count`` distinct (student, posting) applications: popular postings and keen
    students get many, most students a few; a student with an accepted offer has
    withdrawn the rest, and no posting accepts more students than its places."""
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    now = now or datetime.now(UTC)
    count = min(count, len(students) * len(postings))
    popularity = gen.lognormal(0.0, 1.0, len(postings))
    keenness = gen.gamma(0.8, 1.0, len(students))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < count:
        need = int((count - len(pairs)) * 1.1) + 10
        s = gen.choice(len(students), need, p=keenness / keenness.sum())
        p = gen.choice(len(postings), need, p=popularity / popularity.sum())
        for pair in zip(s.tolist(), p.tolist(), strict=True):
            pairs.add(pair)
            if len(pairs) == count:
                break
    stages, shares = list(STAGE_SHARES), list(STAGE_SHARES.values())
    finals = rng.choices(stages, weights=shares, k=count)
    placed: set[int] = set()
    filled: dict[int, int] = {}
    ordered = sorted(pairs)  # grouped by student, so acceptances withdraw the rest
    for i, (s, p) in enumerate(ordered):
        if finals[i] == "accepted":
            if s in placed or filled.get(p, 0) >= postings[p][2]:
                finals[i] = "declined"
            else:
                placed.add(s)
                filled[p] = filled.get(p, 0) + 1
    out = Applications([], [], [])
    start = now - timedelta(days=60)
    event_id = 0
    for i, (s, p) in enumerate(ordered):
        final = finals[i]
        if s in placed and final not in ("accepted", "declined", "rejected", "withdrawn"):
            final = "withdrawn"
        app_id = i + 1
        profile_id, user_id = students[s]
        posting_id, firm_id, _capacity = postings[p]
        at = start + timedelta(seconds=rng.uniform(0, 55 * 86400))
        created = at
        for stage in _path(final, rng):
            if stage != "submitted":
                at = min(now, at + timedelta(seconds=rng.expovariate(1 / (3 * 86400))))
            event_id += 1
            actor = user_id if stage in ("submitted", "accepted", "declined", "withdrawn") else None
            out.events.append((event_id, app_id, actor, None, stage, None, at))
        rating = rng.choice((None, None, 1, 2, 3, 4)) if final != "submitted" else None
        reason = (
            rng.choice(("skills", "experience", "position_filled")) if final == "rejected" else None
        )
        out.applications.append(
            (app_id, profile_id, posting_id, rng.choice(NOTES), final, rating, reason, 1,
             created, at)
        )  # fmt: skip
        out.consents.append((user_id, "transfer", "2026-12", firm_id, posting_id, created))
    _link_events(out.events)
    return out


def _link_events(events: list[tuple[object, ...]]) -> None:
    """Fill each event's from_status with the stage before it (events are grouped)."""
    previous_app, previous_stage = None, None
    for i, (eid, app_id, actor, _from, stage, note, at) in enumerate(events):
        from_status = previous_stage if app_id == previous_app else None
        events[i] = (eid, app_id, actor, from_status, stage, note, at)
        previous_app, previous_stage = app_id, stage
