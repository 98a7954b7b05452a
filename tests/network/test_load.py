"""Loading road files: OSM XML, GraphML (osmnx's and typed), bad files, import, PBF, CLI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from network.support import (
    geod_m,
    points,
    test_settings,
)
from shapely.geometry import LineString

from planner import network as nw
from planner.errors import InputError, PlannerError


def test_tiny_osm_xml_loads_with_expected_times(
    tiny_osm: tuple[Path, dict[int, tuple[float, float]]],
) -> None:
    path, c = tiny_osm
    G = nw.load_network(path)
    # simplified: only the junctions 2 and 3 stay nodes; 1 and 4 live on in the geometry
    assert set(G.nodes) == {2, 3}
    assert all(d.get("highway") != "footway" for _, _, d in G.edges(data=True))
    residential = [(u, v) for u, v, hw in G.edges(data="highway") if hw == "residential"]
    assert residential == [(2, 3)]  # the one-way street has no arc back
    s = test_settings()
    pts = points({"S": c[1], "B": c[2], "C": c[3]})
    m = nw.travel_matrices(G, pts, ["mobil", "motor"], s, station_ids=["S"])
    ab, bc = geod_m(c[1], c[2]), geod_m(c[2], c[3])
    cda = geod_m(c[3], c[4]) + geod_m(c[4], c[1])
    t = m.travel_s["mobil"]
    # maxspeed 18 on B->C beats the residential default; night factor 1 in these settings
    assert t[1, 2] == round(bc / 5)
    assert t[0, 1] == round(ab / 10)
    assert t[2, 1] == round(cda / 10 + ab / 10)  # one-way: around through node 4
    assert m.travel_s["motor"][2, 1] == round(bc / 5)  # maxspeed also holds for motor


def test_graphml_round_trip_and_networkx_typed_graphml(
    town: dict[str, Any], tmp_path: Path
) -> None:
    G = town["G"]
    G.edges["A", "B", 0]["geometry"] = LineString([town["nodes"]["A"], town["nodes"]["B"]])
    G.edges["A", "B", 0]["maxspeed"] = ["40", "60"]
    saved = nw.save_graphml(G, tmp_path / "roads.graphml")
    H = nw.load_graphml(saved)
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    ab = H.edges["A", "B", 0]
    assert isinstance(ab["geometry"], LineString)
    assert ab["maxspeed"] == ["40", "60"]
    assert H.edges["B", "C", 0]["oneway"] is True
    assert isinstance(ab["length"], float)
    # typed GraphML as networkx writes it (floats and booleans, no osmnx string conventions)
    plain = nx.MultiDiGraph(crs="epsg:4326")
    for n in ("1", "2"):
        plain.add_node(
            n, x=float(town["nodes"]["AB"[int(n) - 1]][0]), y=town["nodes"]["AB"[int(n) - 1]][1]
        )
    plain.add_edge("1", "2", length=1000.0, oneway=True, highway="tertiary", osmid=7)
    nx.write_graphml(plain, tmp_path / "typed.graphml")
    T = nw.load_network(tmp_path / "typed.graphml", test_settings())
    assert set(T.nodes) == {1, 2}
    assert T.edges[1, 2, 0]["oneway"] is True
    assert T.edges[1, 2, 0]["travel_s_mobil"] == pytest.approx(100.0)


def test_graphml_without_coordinates_is_an_input_error(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("1", x=111.7)
    G.add_node("2")
    G.add_edge("1", "2")
    nx.write_graphml(G, tmp_path / "bad.graphml")
    with pytest.raises(InputError) as info:
        nw.load_graphml(tmp_path / "bad.graphml")
    assert info.value.problems[0].column == "node x/y"
    (tmp_path / "junk.graphml").write_text("not xml", encoding="utf-8")
    with pytest.raises(InputError):
        nw.load_network(tmp_path / "junk.graphml")
    with pytest.raises(InputError):
        nw.load_network(tmp_path / "roads.shp")


def test_import_keeps_largest_strong_part(town: dict[str, Any], tmp_path: Path) -> None:
    src = nw.save_graphml(town["G"], tmp_path / "raw.graphml")
    report = nw.import_network(src, tmp_path / "out" / "roads.graphml")
    assert report.nodes_in == 6 and report.nodes_kept == 4  # the island E-F is dropped
    assert report.pieces_dropped == 1
    assert report.edges_dropped == 2
    # lengths count arcs: the 500 m two-way island road is 1 km of arcs
    assert report.length_km_dropped == pytest.approx(1.0, abs=0.01)
    kept = nw.load_graphml(report.out)
    assert set(kept.nodes) == {"A", "B", "C", "D"}


def test_pbf_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.osm.pbf"
    path.write_bytes(b"\x00")
    monkeypatch.setitem(sys.modules, "pyrosm", None)
    with pytest.raises(PlannerError) as info:
        nw.load_network(path)
    assert '".[pbf]"' in info.value.render("en")
    assert "pyrosm" in info.value.render("id")


def test_cli_network_import(
    tiny_osm: tuple[Path, dict[int, tuple[float, float]]], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    out = tmp_path / "roads.graphml"
    result = runner.invoke(app, ["network", "import", str(tiny_osm[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "Simpul" in result.output
    bad = runner.invoke(app, ["network", "import", str(tmp_path / "missing.osm"), "--lang", "en"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


def test_oneway_words_and_osm_minus_one(tmp_path: Path) -> None:
    """``oneway``/``reversed`` read with the planner's yes/no words; OSM's ``-1`` (one-way
    against the drawing direction) is one-way too, and a list is one-way when any value is."""
    words = ["yes", "-1", "no", "True", "False", "reversible", "['no', 'yes']", "1", "0"]
    want = [True, True, False, True, False, False, True, True, False]
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node("1", x=111.70, y=-8.05)
    G.add_node("2", x=111.71, y=-8.05)
    for k, word in enumerate(words):
        G.add_edge("1", "2", oneway=word, reversed=word, length=float(k + 1))
    nx.write_graphml(G, tmp_path / "words.graphml")
    H = nw.load_graphml(tmp_path / "words.graphml")
    by_length = {int(d["length"]) - 1: d for _, _, d in H.edges(data=True)}
    assert [by_length[k]["oneway"] for k in range(len(words))] == want
    assert [by_length[k]["reversed"] for k in range(len(words))] == want
