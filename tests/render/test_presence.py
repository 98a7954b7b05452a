"""Why this venue, in desa terms: the curve and presence lines, and the overview's presence layer.

The night is the map tests' tiny night (``render.test_maps.build_map_data``); ``PULE3`` moves
V2 (squad R01, priority 4.5) into desa Pule, where squad R02 visits V4 (5.5) and V5 (2.0):
three visits of one desa by two squads, the first in time (V2, 20:00) not the first in rank.
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from render.conftest import make_night_result
from render.test_maps import (
    DESA_NAME,
    PRESENCE,
    PRESENCE_STATE,
    SCRIPT_REASON,
    build_map_data,
    page_data,
)
from shapely.geometry import box

from planner.render import mapdata, maps, presence, sheets
from planner.render.mapdata import MapData
from planner.text.maps import en_ordinal_suffix

PULE3 = {"V2": "D3", "V5": "D3"}  # V2, V4, V5 all in Pule tonight
CURVE_WORDS = ("kunjungan ke-", "kunjungan pertama dari", " visit in desa ", "visits in desa")


def _notes(data: MapData) -> dict[str, presence.StopNote]:
    return mapdata.stop_notes(data)


def _sheet_row(page: str, venue_id: str) -> str:
    row = re.search(rf'<tr class="stop" data-venue="{venue_id}">(.*?)</tr>', page, re.S)
    assert row is not None
    return row.group(1)


# --------------------------------------------------------------------------- the curve line


def test_curve_ranks_the_visits_of_one_desa_by_priority_across_squads() -> None:
    notes = _notes(build_map_data(desa_of=PULE3))
    # V4 (5.5, R02) outranks V2 (4.5, R01) though R01 reaches V2 first; V5 (2.0) is third.
    assert {v: (notes[v].rank, notes[v].desa_visits) for v in ("V4", "V2", "V5")} == {
        "V4": (0, 3),
        "V2": (1, 3),
        "V5": (2, 3),
    }
    assert notes["V4"].curve_line("id") == "kunjungan pertama dari 3 di Desa Pule malam ini"
    assert notes["V2"].curve_line("id") == "kunjungan ke-2 di Desa Pule malam ini — nilai ½"
    assert notes["V5"].curve_line("id") == "kunjungan ke-3 di Desa Pule malam ini — nilai ¼"
    assert notes["V4"].curve_line("en") == "1st of 3 visits in desa Pule tonight"
    assert notes["V2"].curve_line("en") == "2nd visit in desa Pule tonight — worth ½"
    assert notes["V5"].curve_line("en") == "3rd visit in desa Pule tonight — worth ¼"
    # The only visit of its desa has no curve line.
    assert notes["V1"].curve_line("id") is None and notes["V3"].curve_line("en") is None


def test_two_squads_in_one_desa_the_higher_priority_is_first() -> None:
    notes = _notes(build_map_data(desa_of={"V2": "D3"}))  # V2 (R01) and V4 (R02) in Pule
    assert (notes["V4"].rank, notes["V2"].rank) == (0, 1)
    assert notes["V2"].weight == pytest.approx(0.5)
    assert notes["V4"].curve_line("id") == "kunjungan pertama dari 2 di Desa Pule malam ini"
    assert notes["V2"].curve_line("id") == "kunjungan ke-2 di Desa Pule malam ini — nilai ½"


def test_curve_weight_is_a_factor_when_decay_is_not_one_half() -> None:
    notes = _notes(build_map_data(desa_of=PULE3, decay=0.75))
    assert notes["V2"].curve_line("id") == "kunjungan ke-2 di Desa Pule malam ini — nilai ×0,75"
    assert notes["V5"].curve_line("id") == "kunjungan ke-3 di Desa Pule malam ini — nilai ×0,56"
    assert notes["V2"].curve_line("en") == "2nd visit in desa Pule tonight — worth ×0.75"


def test_no_curve_line_when_decay_is_one() -> None:
    data = build_map_data(desa_of=PULE3, decay=1.0)
    notes = _notes(data)
    assert all(n.curve_line(lang) is None for n in notes.values() for lang in ("id", "en"))
    pages = [maps.render_overview(data), maps.render_squad(data, "R01")]
    pages.append(sheets.route_sheet_html(make_night_result(data=data)))
    for page in pages:
        assert not any(w in page for w in CURVE_WORDS)
        assert "Desa Pule: target 2 hari, belum pernah dikunjungi" in page  # presence stays


def test_no_curve_line_without_a_problem() -> None:
    data = MapData(**{**build_map_data(desa_of=PULE3).__dict__, "problem": None})
    notes = _notes(data)
    assert all(n.rank is None and n.curve_line("id") is None for n in notes.values())


def test_ordinals_and_weights() -> None:
    assert [presence.weight_text(0.5**k, 0.5, "id") for k in range(5)] == [
        "1",
        "½",
        "¼",
        "⅛",
        "1/16",
    ]
    assert presence.weight_text(0.49, 0.7, "id") == "×0,49"
    assert [f"{k}{en_ordinal_suffix(k)}" for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "111th",
    ]


# --------------------------------------------------------------------------- the presence line


@pytest.mark.parametrize(
    ("venue", "lang", "line"),
    [
        # Sumbergedong: 7.4 days against 3 (overdue)
        ("V1", "id", "Desa Sumbergedong: target 3 hari, terakhir 7 hari lalu"),
        ("V1", "en", "Desa Sumbergedong: target 3 days, last visit 7 days ago"),
        # Ngantru: 2.2 days against 6 (within)
        ("V2", "id", "Desa Ngantru: target 6 hari, terakhir 2 hari lalu"),
        ("V2", "en", "Desa Ngantru: target 6 days, last visit 2 days ago"),
        # Pule: never visited, target 2
        ("V4", "id", "Desa Pule: target 2 hari, belum pernah dikunjungi"),
        ("V4", "en", "Desa Pule: target 2 days, never visited"),
    ],
)
def test_presence_line(venue: str, lang: str, line: str) -> None:
    note = _notes(build_map_data())[venue]
    assert note.presence_line(lang) == line  # type: ignore[arg-type]
    assert note.lines(lang)[-1] == line  # type: ignore[arg-type]


def test_no_presence_line_without_presence_data() -> None:
    assert _notes(build_map_data())["V3"].presence_line("id") is None  # no desa: NaN
    notes = _notes(build_map_data(with_presence=False, desa_of=PULE3))  # before risk's columns
    assert all(n.presence_line("id") is None for n in notes.values())
    assert notes["V2"].lines("id") == ("kunjungan ke-2 di Desa Pule malam ini — nilai ½",)


def test_days_wording_and_states() -> None:
    # rounded down, as the score reasons count them
    assert presence.days_ago_text(0.7, "id") == "kurang dari 1 hari lalu"
    assert presence.days_ago_text(0.7, "en") == "less than a day ago"
    assert presence.days_ago_text(1.9, "en") == "1 day ago"
    assert presence.days_ago_text(12.8, "id") == "12 hari lalu"
    assert presence.days_text(1.0, "en") == "1 day"
    assert presence.days_text(2.5, "id") == "2,5 hari"
    state = presence.presence_state
    assert [state(d, 3.0) for d in (0.0, 2.99, 3.0, 5.99, 6.0, 40.0, math.inf, math.nan)] == [
        "within",
        "within",
        "due",
        "due",
        "overdue",
        "overdue",
        "never",
        "no_data",
    ]
    assert state(2.0, math.nan) == "no_data"


# --------------------------------------------------------------------------- on every surface


@pytest.fixture(scope="module")
def pule3() -> MapData:
    return build_map_data(desa_of=PULE3)


def test_overview_popups_show_the_desa_lines(pule3: MapData) -> None:
    page = maps.render_overview(pule3)
    assert "kunjungan ke-2 di Desa Pule malam ini — nilai ½" in page
    assert "kunjungan ke-3 di Desa Pule malam ini — nilai ¼" in page
    assert "Desa Sumbergedong: target 3 hari, terakhir 7 hari lalu" in page
    english = maps.render_overview(pule3, lang="en")
    assert "2nd visit in desa Pule tonight — worth ½" in english
    assert "Desa Pule: target 2 days, never visited" in english


def test_squad_map_shows_the_desa_lines_in_its_list_and_popups(pule3: MapData) -> None:
    r01 = maps.render_squad(pule3, "R01")
    # The stop list: short forms under "kind · desa".
    for short in ("kunjungan ke-2 di desa ini — nilai ½", "target 2 hari, belum pernah dikunjungi"):
        assert r01.count(f'<small class="wk-desa-line">{short}</small>') == 1
    # The stop's popup: the full sentences.
    assert r01.count("kunjungan ke-2 di Desa Pule malam ini — nilai ½") == 1
    assert r01.count("Desa Pule: target 2 hari, belum pernah dikunjungi") == 1
    assert "alasan V" not in r01  # still no score reasons on a phone
    r02 = maps.render_squad(pule3, "R02", lang="en")
    assert '<small class="wk-desa-line">1st of 3 visits in this desa</small>' in r02
    assert "1st of 3 visits in desa Pule tonight" in r02
    assert '<small class="wk-desa-line">target 2 days, never visited</small>' in r02


def _why(row: str) -> list[str]:
    cell = re.search(r'<td class="why">(.*?)</td>', row, re.S)
    assert cell is not None
    return re.findall(r"<div>(.*?)</div>", cell.group(1))


def test_route_sheet_and_csv_show_the_desa_lines(pule3: MapData) -> None:
    """The printed sheet: the rank in the short form (the desa is printed beside it), the
    desa's presence line once per squad page (at its first stop there); the CSV: both lines."""
    result = make_night_result(data=pule3)
    page = sheets.route_sheet_html(result)
    assert _why(_sheet_row(page, "V2")) == [
        "alasan V2",
        "kunjungan ke-2 di desa ini — nilai ½",
        "Desa Pule: target 2 hari, belum pernah dikunjungi",
    ]
    # R02 visits Pule twice: the presence line at its first stop there only
    assert _why(_sheet_row(page, "V4")) == [
        "alasan V4",
        "kunjungan pertama dari 3 di desa ini",
        "Desa Pule: target 2 hari, belum pernah dikunjungi",
    ]
    assert _why(_sheet_row(page, "V5")) == ["alasan V5", "kunjungan ke-3 di desa ini — nilai ¼"]
    english = sheets.route_sheet_html(result, lang="en")
    assert "2nd visit in this desa — worth ½" in _why(_sheet_row(english, "V2"))
    csv_text = sheets.stops_csv(result).decode("utf-8-sig")
    assert "alasan V2 | kunjungan ke-2 di Desa Pule malam ini — nilai ½ | Desa Pule" in csv_text
    assert "alasan V5 | kunjungan ke-3 di Desa Pule malam ini — nilai ¼ | Desa Pule" in csv_text


def test_csv_before_the_presence_columns_has_the_reasons_only() -> None:
    result = make_night_result(with_presence=False)
    text = sheets.stops_csv(result).decode("utf-8-sig")
    first = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    # V1 is the only visit of its desa (no curve line) and there is no presence data.
    assert (first["venue_id"], first["perhatian"]) == ("V1", f"kerawanan tinggi | {SCRIPT_REASON}")


# --------------------------------------------------------------------------- the presence layer


def _presence_props(page: str) -> list[dict[str, Any]]:
    """The desa of the page's JSON document that carry a presence state."""
    return [d for d in page_data(page)["desa"] if "presence_state" in d]


def test_overview_colours_each_desa_by_its_presence_state() -> None:
    page = maps.render_overview(build_map_data())
    props = _presence_props(page)
    by_desa = {p["label"]: p for p in props}
    assert len(by_desa) == len(DESA_NAME)
    for code, state in PRESENCE_STATE.items():
        got = by_desa[DESA_NAME[code]]
        assert got["presence_state"] == state
        assert got["presence_colour"] == presence.PRESENCE_COLOURS[state]
    # A choice of one desa fill in the layer control, kerawanan shown, presence not yet.
    fills = page_data(page)["fills"]
    assert fills == {
        "kerawanan": "Warna desa: kerawanan",
        "presence": "Warna desa: kehadiran",
        "none": "Warna desa: tidak ada",
    }
    # The legend, in the map's language, best state first.
    legend = re.findall(r'<div class="wk-presence-key">.*?</span>(.*?)</div>', page)
    assert legend == [
        "Dalam target",
        "Jatuh tempo (≥ target)",
        "Terlambat (≥ 2× target)",
        "Belum pernah dikunjungi",
        "Tanpa data (tidak ada warkop)",
    ]


def test_overview_tooltip_gives_days_target_and_tonight_visits(pule3: MapData) -> None:
    props = {p["label"]: p["presence"] for p in _presence_props(maps.render_overview(pule3))}
    assert props["Sumbergedong"] == (
        "Desa Sumbergedong (tinggi): terakhir 7 hari lalu, target 3 hari; malam ini 1 kunjungan"
    )
    assert props["Pule"] == (
        "Desa Pule (sangat tinggi): belum pernah dikunjungi, target 2 hari; malam ini 3 kunjungan"
    )
    assert props["Ngantru"].endswith("malam ini tidak ada kunjungan")  # V2 moved to Pule
    english = {
        p["label"]: p["presence"] for p in _presence_props(maps.render_overview(pule3, lang="en"))
    }
    assert english["Sumbergedong"] == (
        "Desa Sumbergedong (high): last visit 7 days ago, target 3 days; 1 visit tonight"
    )
    assert english["Pule"].endswith("never visited, target 2 days; 3 visits tonight")
    page = maps.render_overview(pule3, lang="en")
    assert page_data(page)["fills"]["presence"] == "Desa colour: presence"
    assert "Presence in the desa" in page
    legend = re.findall(r'<div class="wk-presence-key">.*?</span>(.*?)</div>', page)
    assert legend[0] == "Within target" and legend[3] == "Never visited"


def test_a_desa_without_scored_venues_has_no_presence_data() -> None:
    data = build_map_data()
    extra = pd.DataFrame(
        {"desa_code": ["D9"], "desa": ["Kosong"], "kecamatan": ["Pule"], "kerawanan": ["rendah"]}
    )
    extra = extra.assign(geometry=[box(111.5, -8.2, 111.52, -8.18)])
    desa = gpd.GeoDataFrame(pd.concat([pd.DataFrame(data.desa), extra]), crs=data.desa.crs)
    found = presence.desa_presence(data.plan, desa=desa, venues=data.venues, scores=data.scores)
    assert found["D9"].state == "no_data" and found["D9"].visits == 0
    assert {c: found[c].state for c in PRESENCE_STATE} == PRESENCE_STATE
    assert found["D1"].days == pytest.approx(PRESENCE["D1"][0])
    page = maps.render_overview(MapData(**{**data.__dict__, "desa": desa}))
    kosong = next(p for p in _presence_props(page) if p["label"] == "Kosong")
    assert kosong["presence_state"] == "no_data"
    assert "tidak ada data kehadiran" in kosong["presence"]


def test_no_presence_layer_before_the_presence_columns() -> None:
    page = maps.render_overview(build_map_data(with_presence=False))
    assert _presence_props(page) == []
    assert page_data(page)["fills"]["presence"] is None
    assert "wk-presence-key" not in page and "Warna desa: kehadiran" not in page
    assert "Kehadiran di desa" not in page  # no legend either
    assert page_data(page)["fills"]["kerawanan"] == "Warna desa: kerawanan"


def test_an_overdue_desa_is_named_once_where_the_reasons_are_shown() -> None:
    """The risk scores give a venue of an overdue desa its own reason ("Desa X belum
    dikunjungi N hari; target T hari") with ``presence > 0``: the sheet and the overview, which
    print the reasons, leave the presence line out; the phone map, which does not, keeps it."""
    data = build_map_data()
    overdue = data.scores["venue_id"] == "V1"
    reason = "Desa Sumbergedong belum dikunjungi 7 hari; target 3 hari"
    scores = data.scores.assign(
        presence=data.scores["presence"].mask(overdue, 2.5),
        reasons=[
            [reason] if o else r for o, r in zip(overdue, data.scores["reasons"], strict=True)
        ],
    )
    data = MapData(**{**data.__dict__, "scores": scores})
    line = "Desa Sumbergedong: target 3 hari, terakhir 7 hari lalu"
    note = _notes(data)["V1"]
    assert note.lines("id") == (line,)
    assert note.lines("id", beside_reasons=True) == ()
    page = sheets.route_sheet_html(make_night_result(data=data))
    assert reason in _sheet_row(page, "V1") and line not in page
    assert "Desa Ngantru: target 6 hari" in _sheet_row(page, "V2")  # within target: kept
    overview = maps.render_overview(data)
    assert reason in overview and line not in overview
    phone = maps.render_squad(data, "R01")
    assert line in phone and reason not in phone  # in the popup
    assert '<small class="wk-desa-line">target 3 hari, terakhir 7 hari lalu</small>' in phone
