"""Tests of planner.render.activity: the printable activity report for the Kapolres."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest

from planner import history as h
from planner.config import Settings
from planner.domain import WIB
from planner.render import activity as a

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=WIB)


@pytest.fixture
def venues() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "venue_id": ["V1", "V2", "V3", "V4", "V5"],
            "name": [
                "Warkop <b>Pak</b> & Co",
                "Angkringan Bu Sri",
                "Kafe Senja",
                "Warkop X",
                "Tutup",
            ],
            "desa": ["Sumbergedong", "Sumbergedong", "Ngantru", "Durenan", "Durenan"],
            "kecamatan": ["Trenggalek", "Trenggalek", "Trenggalek", "Durenan", "Durenan"],
            "desa_code": ["D1", "D1", "D2", "D3", "D3"],
            "active": [True, True, True, True, False],
        }
    )


@pytest.fixture
def store(venues):
    known = h.Known.from_settings(
        Settings(),
        venue_ids=venues["venue_id"],
        venue_desa=dict(zip(venues["venue_id"], venues["desa_code"], strict=True)),
    )

    def add(**kw: str) -> None:
        rec = {"tanggal": "2024-05-10", "regu": "R01", "tiba": "21:00", **kw}
        h.add_visit(s, rec, known, now=NOW)

    with h.open_store(":memory:") as s:
        add(venue_id="V1", jumlah_warga="10", laporan_kategori="curanmor",
            laporan_isi="motor <script>alert(1)</script> hilang")  # fmt: skip
        add(venue_id="V1", tanggal="2024-05-11", jumlah_warga="4",
            laporan_kategori="infrastruktur", laporan_isi="lampu mati", dirujuk_ke="PLN")  # fmt: skip
        add(venue_id="V2", tanggal="2024-05-11", tiba="22:30", laporan_kategori="infrastruktur",
            laporan_isi="jalan rusak", dirujuk_ke="Dinas PUPR", status="selesai")  # fmt: skip
        add(venue_id="V4", tanggal="2024-05-12", jumlah_warga="6", sesuai_rencana="tidak",
            laporan_kategori="sosial", laporan_isi="bansos", dirujuk_ke="Dinas Sosial")  # fmt: skip
        add(venue_id="V3", tanggal="2024-04-01")  # before the period
        yield s


def test_summary_counts(store, venues):
    s = a.summarize(
        store, venues, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31),
        today=dt.date(2024, 5, 26),
    )  # fmt: skip
    assert (s.visits, s.people_met, s.nights, s.squads, s.planned, s.extra) == (4, 20, 3, 1, 3, 1)
    assert s.reports == 4
    kec = s.by_kecamatan.set_index("kecamatan")
    assert kec.loc["Trenggalek"].tolist() == [3, 2, 3, 14]  # venues, visited, visits, people
    assert kec.loc["Durenan"].tolist() == [1, 1, 1, 6]  # the inactive venue is not counted
    desa = s.by_desa.set_index(["kecamatan", "desa"])
    assert desa.loc[("Trenggalek", "Ngantru"), "visits"] == 0
    # V3 was visited only before the period: listed with its last visit
    assert s.not_visited["venue_id"].tolist() == ["V3"]
    assert s.not_visited.iloc[0]["last_visit"] == dt.date(2024, 4, 1)
    cats = s.reports_by_category.set_index("category")
    assert cats.loc["infrastruktur", "reports"] == 2 and cats.loc["curanmor", "police_matter"] == 1
    assert s.reports_by_category.iloc[0]["category"] == "infrastruktur"  # most reported first
    ag = s.referrals_by_agency.set_index("agency")
    assert ag.loc["Dinas PUPR"].tolist() == [1, 1, 0, 0]  # referred, closed, open, overdue
    assert ag.loc["PLN"].tolist() == [1, 0, 1, 1]  # due 2024-05-25 < today
    assert ag.loc["Dinas Sosial"].tolist() == [1, 0, 1, 0]  # due 2024-05-26: not yet overdue
    assert sorted(s.overdue["category"]) == ["curanmor", "infrastruktur"]


def test_summary_rejects_reversed_period(store, venues):
    with pytest.raises(h.InputError):
        a.summarize(store, venues, start=dt.date(2024, 6, 1), end=dt.date(2024, 5, 1))


def test_visits_to_unknown_venues_count_under_unknown(store, venues):
    s = a.summarize(
        store, venues[venues["venue_id"] != "V4"], start=dt.date(2024, 5, 1),
        end=dt.date(2024, 5, 31), today=dt.date(2024, 5, 26),
    )  # fmt: skip
    assert "(tidak dikenal)" in set(s.by_kecamatan["kecamatan"])
    assert s.visits == 4


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        for k, v in attrs:
            if k in ("src", "href") and v and re.match(r"https?:", v):
                self.external.append(v)


def test_html_is_printable_escaped_and_self_contained(tmp_path, store, venues):
    path, summary = a.write_activity_report(
        store, venues, tmp_path / "laporan.html", start=dt.date(2024, 5, 1),
        end=dt.date(2024, 5, 31), today=dt.date(2024, 5, 26),
    )  # fmt: skip
    text = path.read_text(encoding="utf-8")
    assert "@page" in text and "size: A4" in text
    assert "Laporan Kegiatan Warkop Kamtibmas" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "Warkop <b>Pak</b>" not in text
    parsed = _Collect()
    parsed.feed(text)
    assert parsed.scripts == 0 and parsed.external == []
    assert "svg" in parsed.tags  # the category chart
    # one bar per category, the longest for the most reported
    bars = re.findall(r'<rect class="bar"[^>]*width="([\d.]+)"', text)
    assert len(bars) == len(summary.reports_by_category) == 3
    assert float(bars[0]) == max(float(b) for b in bars)
    for section in ("kecamatan", "desa", "tidak-dikunjungi", "kategori", "instansi", "terlambat"):
        assert f'id="{section}"' in text
    en = a.render_html(summary, lang="en")
    assert "Warkop Kamtibmas activity report" in en and 'lang="en"' in en


def test_long_not_visited_list_is_capped(store):
    many = pd.DataFrame(
        {
            "venue_id": [f"X{i}" for i in range(100)],
            "name": "n",
            "desa": "d",
            "kecamatan": "k",
        }
    )
    s = a.summarize(store, many, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31))
    text = a.render_html(s, max_listed=10)
    assert "… dan 90 tempat lainnya." in text
    assert text.count("<td>belum pernah</td>") == 10


LEVELS = {"rendah": 1.0, "sedang": 2.0, "tinggi": 3.5, "sangat_tinggi": 5.0}


def _ranked_store(venues: pd.DataFrame, lasts: dict[str, str]):
    """A log where each venue of ``lasts`` was last visited on that night (before May)."""
    known = h.Known.from_settings(Settings(), venue_ids=venues["venue_id"])
    store = h.open_store(":memory:")
    for i, (venue, night) in enumerate(lasts.items()):
        h.add_visit(store, {"tanggal": night, "regu": "R01", "venue_id": venue,
                            "tiba": f"2{i % 4}:00"}, known, now=NOW)  # fmt: skip
    return store


def test_not_visited_ranked_by_kerawanan_then_longest_unvisited():
    """The most vulnerable first (the venue's own level, else its desa's), and within a level
    the never-visited, then the longest since the last visit; not the kecamatan's A-Z."""
    venues = pd.DataFrame(
        {
            "venue_id": ["A", "B", "C", "D", "E", "F", "G"],
            "name": ["a", "b", "c", "d", "e", "f", "g"],
            "desa": ["Zz", "Zz", "Aa", "Aa", "Mm", "Mm", "Aa"],
            "kecamatan": ["Watulimo"] * 2 + ["Bendungan"] * 2 + ["Karangan"] * 2 + ["Bendungan"],
            "desa_code": ["DZ", "DZ", "DA", "DA", "DM", "DM", None],
            "kerawanan": [None, None, None, "sangat_tinggi", None, "rendah", None],
        }
    )
    desa = pd.DataFrame({"desa_code": ["DZ", "DA", "DM"],
                         "kerawanan": ["tinggi", "rendah", "sedang"]})  # fmt: skip
    lasts = {"A": "2024-04-20", "B": "2024-03-01", "C": "2024-04-01", "E": "2024-04-28"}
    with _ranked_store(venues, lasts) as store:
        s = a.summarize(store, venues, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31),
                        desa=desa, levels=LEVELS)  # fmt: skip
    assert s.reports == 0 and s.overdue.empty and "report_id" in s.overdue.columns
    nv = s.not_visited
    # D: its own sangat_tinggi; B before A (tinggi: longer unvisited); E (sedang); then the
    # rendah ones: F never visited before C (last 1 April); G has no level at all: last
    assert nv["venue_id"].tolist() == ["D", "B", "A", "E", "F", "C", "G"]
    assert nv["kerawanan"].tolist() == ["sangat_tinggi", "tinggi", "tinggi", "sedang", "rendah",
                                        "rendah", None]  # fmt: skip
    assert nv["weight"].tolist() == [5.0, 3.5, 3.5, 2.0, 1.0, 1.0, 0.0]
    html = a.render_html(s, max_listed=3)
    rows = re.findall(r"<tr><td>([A-G])</td>", html)
    assert rows == ["D", "B", "A"]
    assert "<td>sangat tinggi</td>" in html and "<td>1 Mar 2024</td>" in html
    assert "… dan 4 tempat lainnya." in html
    # English: the level and the months in English
    en = a.render_html(s, lang="en", max_listed=3)
    assert "<td>very high</td>" in en and "<td>1 Mar 2024</td>" in en
    assert "… and 4 more venues." in en


def test_the_cap_counts_the_rest_with_the_languages_numbers(store):
    """1,424 venues not visited, 60 listed: the most vulnerable, and "… dan 1.364" below."""
    n = 1424
    levels = ["sangat_tinggi" if i % 10 == 0 else "rendah" for i in range(n)]
    many = pd.DataFrame({"venue_id": [f"X{i:04d}" for i in range(n)], "name": "n", "desa": "d",
                         "kecamatan": [f"K{i % 7}" for i in range(n)], "kerawanan": levels})  # fmt: skip
    s = a.summarize(store, many, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31))
    assert len(s.not_visited) == n
    html = a.render_html(s, max_listed=60)
    assert "… dan 1.364 tempat lainnya." in html
    assert "… and 1,364 more venues." in a.render_html(s, lang="en", max_listed=60)
    listed = re.findall(r"<tr><td>(X\d{4})</td>", html)
    assert len(listed) == 60
    assert all(int(v[1:]) % 10 == 0 for v in listed)  # every one sangat tinggi (143 of them)


def test_numbers_and_dates_are_written_as_the_language_writes_them(store, venues):
    big = pd.concat(
        [venues, pd.DataFrame({"venue_id": [f"Y{i}" for i in range(1200)], "name": "n",
                               "desa": "Ngantru", "kecamatan": "Trenggalek"})],
        ignore_index=True,
    )  # fmt: skip
    s = a.summarize(store, big, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31),
                    today=dt.date(2024, 5, 26))  # fmt: skip
    html = a.render_html(s, max_listed=5)
    assert "<td class=n>1.203</td>" in html  # the Trenggalek venues, with a thousands dot
    assert "1 Mei 2024 – 31 Mei 2024" in html
    assert "<td class=n>1,203</td>" in a.render_html(s, lang="en", max_listed=5)
    for month_number in re.findall(r"\b\d{2}-\d{2}-\d{4}\b", html):
        raise AssertionError(f"a hand-formatted date {month_number}")


def test_bar_chart_scales_to_largest():
    svg = a.bar_chart_svg(["a", "b<c"], [4, 2], title="t")
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "b&lt;c" in svg
    assert a.bar_chart_svg([], []) == ""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_report_prints_to_a4_pdf(tmp_path, store, venues):
    path, _ = a.write_activity_report(
        store, venues, tmp_path / "laporan.html", start=dt.date(2024, 5, 1),
        end=dt.date(2024, 5, 31), today=dt.date(2024, 5, 26),
    )  # fmt: skip
    pdf = tmp_path / "laporan.pdf"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = pdf.read_bytes()
    # A4 is 595 x 842 points
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    w, hgt = (float(x) for x in boxes[0])
    assert abs(w - 595) < 2 and abs(hgt - 842) < 2


def test_long_names_and_texts_keep_the_report_a4_wide(store, venues, chromium):
    """A 100,000-character venue name and report: cut on the page, wrapped by the CSS, and the
    page stays A4 wide in a real browser (the route sheet was 81,214 px before)."""
    known = h.Known.from_settings(Settings(), venue_ids=venues["venue_id"])
    long_venues = venues.copy()
    long_venues.loc[long_venues["venue_id"] == "V3", "name"] = "N" * 100_000
    long_venues.loc[long_venues["venue_id"] == "V2", "desa"] = "D" * 10_000
    h.add_visit(store, {"tanggal": "2024-05-12", "regu": "R02", "venue_id": "V5", "tiba": "21:00",
                        "laporan_kategori": "lainnya", "laporan_isi": "T" * 100_000,
                        "urusan_polisi": "ya"},
                known, now=NOW)  # fmt: skip
    s = a.summarize(
        store, long_venues, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31),
        today=dt.date(2024, 5, 30),
    )  # fmt: skip
    html = a.render_html(s)
    assert "N" * 159 + "…" in html and "N" * 160 not in html
    assert "T" * 999 + "…" in html and "T" * 1000 not in html
    assert len(html) < 40_000
    page = chromium.new_page(viewport={"width": 794, "height": 1123})
    try:
        page.route("**/*", lambda route: route.abort())
        page.emulate_media(media="print")
        page.set_content(html)
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.close()
    assert width <= 794
