"""Tests of planner.render.followups: the follow-up pages handed to each agency."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from planner import history as h
from planner.domain import WIB
from planner.render import followups as f

TODAY = dt.date(2024, 5, 26)
HOSTILE = "<script>alert(1)</script>"


class _Pages(HTMLParser):
    """Each agency's section: its name, the report numbers in it; tags that load anything."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict] = []
        self.scripts = 0
        self.external: list[str] = []
        self._cell: list[str] | None = None
        self._col = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "iframe", "object") or any(
            k in ("src", "href") and v for k, v in attrs
        ):
            self.external.append(f"{tag} {a}")
        if tag == "section":
            self.sections.append({"agency": a.get("data-agency"), "numbers": [], "text": []})
        if tag == "tr":
            self._col = 0
        if tag == "td":
            self._col += 1
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            if self._col == 1:
                self.sections[-1]["numbers"].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self.sections:
            self.sections[-1]["text"].append(data)


@pytest.fixture
def table():
    """Six open follow-ups for four agencies and the police; hostile names in every field."""
    known_ags = ["PLN", "Dinas Sosial", HOSTILE, "PLN", None, "Dinas Sosial"]
    with h.open_store(":memory:") as store:
        visits = [
            h.VisitIn(
                night=dt.date(2024, 5, 1 + i), squad_id="R01", venue_id=f"V{i}", desa_code="D1",
                arrived_at=dt.datetime(2024, 5, 1 + i, 21, 0, tzinfo=WIB),
                reports=(h.ReportIn("balap_liar" if i == 1 else "sosial", f"isi {i} {HOSTILE}",
                                    police_matter=ag is None, agency=ag,
                                    due_date=dt.date(2024, 5, 10) + dt.timedelta(weeks=i)),),
            )
            for i, ag in enumerate(known_ags)
        ]  # fmt: skip
        h.add_visits(store, visits, source="test")
        names = h.Names(
            venues={f"V{i}": f"Warkop {i} {HOSTILE}" for i in range(5)},  # V5 is gone
            venue_desa={},
            desa={"D1": (f"Desa {HOSTILE}", "Trenggalek")},
        )
        yield h.name_followups(h.followups(store, today=TODAY), names)


def test_one_page_per_agency_every_report_on_its_agencys_page(table):
    html = f.followups_html(table, today=TODAY)
    pages = _Pages()
    pages.feed(html)
    assert [s["agency"] for s in pages.sections] == [HOSTILE, "Dinas Sosial", "PLN", "Polisi"]
    expected = {
        ag: sorted(str(n) for n, a in zip(table["report_id"], table["agency"], strict=True)
                   if (a or "Polisi") == ag)
        for ag in ("Dinas Sosial", "PLN", HOSTILE, "Polisi")
    }  # fmt: skip
    for section in pages.sections:
        assert sorted(section["numbers"]) == expected[section["agency"]]
        text = " ".join(section["text"])
        assert f"Kepada: {section['agency']}" in text
        assert "Diterima oleh" in text and "Hasil tindak lanjut" in text
    assert sum(len(s["numbers"]) for s in pages.sections) == len(table) == 6
    # every hostile string shows as text: no script, nothing loaded from anywhere
    assert pages.scripts == 0 and pages.external == []
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "(tidak ada di dataset)" in html  # V5's name
    assert "balap liar" in html and "balap_liar" not in html
    assert "size: A4" in html and "break-after: page" in html
    # dates and numbers through Babel: Indonesian months, the overdue ones marked
    assert "Minggu, 26 Mei 2024" in html and "10 Mei 2024" in html
    assert len(re.findall(r'class="nw late"', html)) == int(table["overdue"].sum()) == 3


def test_english_pages_and_an_empty_list(table):
    en = f.followups_html(table, today=TODAY, lang="en")
    assert 'lang="en"' in en and "To: PLN" in en and "Received by" in en
    assert "Sunday, 26 May 2024" in en and "Police" in en and "Kepada" not in en
    empty = f.followups_html(table.iloc[:0], today=TODAY)
    assert "Tidak ada tindak lanjut yang terbuka." in empty and "<table" not in empty


def test_written_atomically_and_printed_one_agency_a_page(tmp_path, table, chromium):
    path = f.write_followups_html(table, tmp_path / "tindak-lanjut.html", today=TODAY)
    assert [p.name for p in tmp_path.iterdir()] == ["tindak-lanjut.html"]
    page = chromium.new_page()
    try:
        page.route("**/*", lambda route: route.abort())  # nothing may load from anywhere
        page.set_content(path.read_text(encoding="utf-8"))
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 4  # one A4 page per agency (their lists are short)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    w, hgt = (float(x) for x in box.groups())
    assert abs(w - 842) < 2 and abs(hgt - 595) < 2  # A4 landscape
