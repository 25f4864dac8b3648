"""The programme dashboard: applications by stage, firm and university, places filled
against capacity and the median time in each stage, as SVG charts with tables beside them."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from unittest.mock import patch

import pytest

from web.extensions import db
from web.models import Application, ApplicationEvent, Posting, User
from web.services import dashboard as dashboard_service
from web.services import figure_cache

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def apply_with_history(student: User, posting: Posting, history: list[tuple[str, datetime]]):
    """An application whose stage changes happened at the given moments."""
    application = Application(
        student_id=student.profile.id, posting_id=posting.id, status=history[-1][0]
    )
    previous = None
    for stage, at in history:
        application.events.append(
            ApplicationEvent(actor_id=student.id, from_status=previous, to_status=stage, at=at)
        )
        previous = stage
    db.session.add(application)
    db.session.commit()
    return application


@pytest.fixture
def programme(make):
    """Three firms, four students from three universities, six applications."""
    webank = make.firm("WeBank", "微众银行")
    ping_an = make.firm("Ping An Technology", "平安科技")
    tencent = make.firm("Tencent Financial Technology", "腾讯金融科技")
    wb_risk = make.posting(webank, capacity=3)
    wb_data = make.posting(webank, capacity=2, status="closed")
    pa_quant = make.posting(ping_an, capacity=4)
    make.posting(tencent, capacity=5, status="draft")  # a draft offers no places yet
    chan = make.student(full_name="Chan Tai Man", university="HKU")
    wong = make.student(full_name="Wong Ka Yan", university="CUHK")
    lee = make.student(full_name="Lee Wing Sze", university="HKU")
    ho = make.student(full_name="Ho Chun Hei", university="HKUST")
    apply_with_history(
        chan,
        wb_risk,
        [
            ("submitted", day(0)),
            ("under_review", day(2)),
            ("shortlisted", day(3)),
            ("interview", day(7)),
            ("offered", day(10)),
            ("accepted", day(12)),
        ],
    )
    apply_with_history(
        wong, wb_risk, [("submitted", day(0)), ("under_review", day(4)), ("rejected", day(5))]
    )
    apply_with_history(
        lee,
        pa_quant,
        [
            ("submitted", day(1)),
            ("under_review", day(2)),
            ("shortlisted", day(8)),
            ("interview", day(9)),
            ("offered", day(12)),
            ("accepted", day(14)),
        ],
    )
    apply_with_history(ho, pa_quant, [("submitted", day(1))])  # still waiting
    apply_with_history(chan, pa_quant, [("submitted", day(2)), ("withdrawn", day(3))])
    apply_with_history(wong, wb_data, [("submitted", day(0)), ("under_review", day(0.25))])
    return {"webank": webank, "ping_an": ping_an}


class Sections(HTMLParser):
    """Each dashboard section's table rows (cell texts) and its SVG markup."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._section: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(page)
        self.svgs = {
            key: svg
            for key, svg in re.findall(
                r'<section class="mb-5" aria-labelledby="section-(\w+)">.*?(<svg.*?</svg>)',
                page,
                re.S,
            )
        }

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs).get("aria-labelledby", "").removeprefix("section-")
            self.tables[self._section] = []
        elif tag == "tr" and self._section:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._section:
            self.tables[self._section].append(self._row)
            self._row = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def dashboard(client, login, make) -> tuple[str, Sections]:
    login(make.coordinator())
    response = client.get("/coordinator/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, Sections(page)


def test_applications_by_stage_firm_and_university(client, login, make, programme):
    _page, sections = dashboard(client, login, make)
    stages = sections.tables["stages"]
    assert stages[0] == ["Stage", "Applications"]
    assert dict(map(tuple, stages[1:])) == {
        "Submitted": "1",
        "Under review": "1",
        "Shortlisted": "0",
        "Interview": "0",
        "Offered": "0",
        "Accepted": "2",
        "Declined": "0",
        "Rejected": "1",
        "Withdrawn": "1",
        "All stages": "6",
    }
    assert sections.tables["firms"][1:] == [
        ["Ping An Technology", "3"],
        ["WeBank", "3"],
        ["Tencent Financial Technology", "0"],
    ]
    assert sections.tables["universities"][1:] == [
        ["The University of Hong Kong", "3", "2"],
        ["The Chinese University of Hong Kong", "2", "1"],
        ["The Hong Kong University of Science and Technology", "1", "1"],
    ]


def test_places_filled_against_capacity(client, login, make, programme):
    page, sections = dashboard(client, login, make)
    assert sections.tables["places"][1:] == [
        ["WeBank", "1", "5", "20"],
        ["Ping An Technology", "1", "4", "25"],
        ["All firms", "2", "9", "22"],
    ]
    assert "2 of 9 places filled across the programme." in page
    svg = sections.svgs["places"]
    # WeBank has the most places: its capacity spans the chart, its one filled place a fifth
    assert re.search(r'width="100\.0%"[^>]*class="chart-track"', svg)
    assert re.search(r'width="20\.0%"[^>]*class="chart-bar"', svg)
    assert ">1 of 5<" in svg and ">1 of 4<" in svg


def test_median_time_in_each_stage(client, login, make, programme):
    page, sections = dashboard(client, login, make)
    assert sections.tables["times"][1:] == [
        # submitted: 0.25, 1, 1, 2, 4 days (odd: the middle one); one still waiting
        ["Submitted", "1.0 days", "5", "1"],
        # under review: 1, 1, 6 days; the application moved on after six hours is still there
        ["Under review", "1.0 days", "3", "1"],
        # shortlisted: 4 and 1 days (even: the mean of the middle two)
        ["Shortlisted", "2.5 days", "2", "0"],
        ["Interview", "3.0 days", "2", "0"],
        ["Offered", "2.0 days", "2", "0"],
    ]
    assert "Only finished stays count" in page
    svg = sections.svgs["times"]
    assert svg.count('class="chart-bar"') == 5
    assert re.search(r'width="100\.0%"[^>]*class="chart-bar"', svg)  # interview, the longest


def test_charts_are_inline_svg_within_the_content_security_policy(client, login, make, programme):
    page, sections = dashboard(client, login, make)
    assert set(sections.svgs) == {"stages", "firms", "universities", "places", "times"}
    for key, svg in sections.svgs.items():
        assert "<script" not in svg.lower() and "style=" not in svg.lower()
        assert "href" not in svg  # nothing fetched from anywhere
        assert 'role="img"' in svg and "<title>" in svg
        assert re.search(r'aria-label="[^"]+"', svg), key
        assert f'aria-describedby="chart-{key}-desc"' in svg
    main = page[page.index("<main") : page.index("</main>")]
    assert "<script" not in main and "style=" not in main
    assert "Accepted: 2" in sections.svgs["stages"]  # the chart in words, for screen readers
    # as wide as its column, one 42-pixel row per stage: text keeps its size on a phone
    assert 'width="100%" height="378"' in sections.svgs["stages"]


def test_an_empty_programme_has_a_dashboard(client, login, make):
    _page, sections = dashboard(client, login, make)
    assert sections.tables["places"][1:] == [
        ["No places offered yet."],
        ["All firms", "0", "0", "—"],
    ]
    assert sections.tables["times"][1][1:] == ["—", "0", "0"]
    assert "No data yet." in sections.svgs["firms"]


def test_many_firms_fold_into_one_row(client, login, make):
    for n in range(15):
        make.posting(make.firm(f"Qianhai Fintech {n:02d}"), capacity=1 + n)
    _page, sections = dashboard(client, login, make)
    rows = sections.tables["places"][1:]
    assert len(rows) == 12 + 1 + 1  # twelve firms, "3 other firms", the total
    assert rows[0][0] == "Qianhai Fintech 14" and rows[-2] == ["3 other firms", "0", "6", "0"]
    assert rows[-1] == ["All firms", "0", str(sum(range(1, 16))), "0"]


def test_dashboard_queries_do_not_grow_with_the_programme(
    client, login, make, programme, count_queries
):
    login(make.coordinator())

    def queries() -> int:
        client.get("/coordinator/")
        db.session.expire_all()
        with count_queries:
            assert client.get("/coordinator/").status_code == 200
        return count_queries.count

    few = queries()
    for n in range(4):
        firm = make.firm(f"Futu Securities {n}")
        posting = make.posting(firm, capacity=3)
        for university in ("PolyU", "HKBU", "CityU"):
            student = make.student(university=university)
            apply_with_history(
                student,
                posting,
                [("submitted", day(n)), ("under_review", day(n + 1)), ("offered", day(n + 3))],
            )
    assert queries() == few


def test_charts_are_kept_for_a_while_and_say_as_of_when(
    app, client, login, make, programme, monkeypatch
):
    """On a large programme the charts take seconds of database time: each process keeps
    them for DASHBOARD_CACHE_SECONDS, while the counts by stage stay live."""
    app.config["DASHBOARD_CACHE_SECONDS"] = 60
    clock = [1000.0]
    monkeypatch.setattr(figure_cache, "_clock", lambda: clock[0])
    figure_cache.forget()
    page, sections = dashboard(client, login, make)
    assert "Charts and tables as of" in page and "at most every 60 seconds" in page
    assert sections.tables["firms"][1:3] == [["Ping An Technology", "3"], ["WeBank", "3"]]

    newcomer = make.student(full_name="Tsang Hoi Ying", university="HKUST")
    apply_with_history(newcomer, make.posting(programme["webank"]), [("submitted", day(3))])
    clock[0] += 59
    sections = Sections(client.get("/coordinator/").get_data(as_text=True))
    assert sections.tables["stages"][-1] == ["All stages", "7"]  # live
    assert sections.tables["firms"][1:3] == [["Ping An Technology", "3"], ["WeBank", "3"]]

    clock[0] += 2
    sections = Sections(client.get("/coordinator/").get_data(as_text=True))
    assert sections.tables["firms"][1:3] == [["WeBank", "4"], ["Ping An Technology", "3"]]
    figure_cache.forget()


def test_without_keeping_the_dashboard_says_nothing_of_it(client, login, make, programme):
    page, _sections = dashboard(client, login, make)
    assert "Charts and tables as of" not in page


def test_every_server_shares_the_kept_charts_through_redis(app, client, login, make, programme):
    """A second process (here: this one, its memory wiped) takes the figures from Redis
    instead of working them out again."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {url}: {exc}")
    prefix = f"test-figures-{uuid.uuid4().hex[:12]}:"
    app.config.update(DASHBOARD_CACHE_SECONDS=60, REDIS_URL=url, OPS_KEY_PREFIX=prefix)
    figure_cache.forget()
    try:
        _page, sections = dashboard(client, login, make)
        figure_cache.forget()  # another worker: nothing in its memory
        with patch.object(dashboard_service, "median_seconds_in_stage", side_effect=AssertionError):
            again = Sections(client.get("/coordinator/").get_data(as_text=True))
        assert again.tables["times"] == sections.tables["times"]
        assert again.tables["firms"] == sections.tables["firms"]
    finally:
        figure_cache.forget()
        keys = redis.Redis.from_url(url)
        for key in keys.scan_iter(f"{prefix}*"):
            keys.delete(key)
