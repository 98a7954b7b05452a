"""measures: every metric of a replay on small hand-built visit tables whose answer is known,
the windows against a plain recount, comparisons with their winner and the issue's targets."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.analysis import measures

D0 = dt.date(2026, 11, 1)

# Three desa: A and B tinggi, C rendah; S sangat_tinggi with one inactive venue only.
DESA = {"A": "tinggi", "B": "tinggi", "C": "rendah", "S": "sangat_tinggi"}
VENUES = pd.DataFrame(
    {
        "venue_id": ["a1", "a2", "b1", "c1", "c2", "s1"],
        "desa_code": ["A", "A", "B", "C", "C", "S"],
        "kecamatan": ["K1", "K1", "K1", "K2", "K2", "K2"],
        "active": [True, True, True, True, True, False],
    }
)


def dates(n: int) -> list[dt.date]:
    return [D0 + dt.timedelta(days=i) for i in range(n)]


def visits(
    rows: Sequence[tuple[int, str]], *, squad: str = "R1", risk: float = 1.0
) -> pd.DataFrame:
    """A visit table: ``(night index, venue_id)`` per visit."""
    desa = dict(zip(VENUES["venue_id"], VENUES["desa_code"], strict=True))
    return pd.DataFrame(
        [
            {
                "night": D0 + dt.timedelta(days=n),
                "squad_id": squad,
                "order": i + 1,
                "venue_id": v,
                "desa_code": desa[v],
                "kecamatan": "K1",
                "priority": 2.0,
                "priority_used": 2.0,
                "risk": risk,
                "start": "20:00",
                "leg_km": 1.0,
            }
            for i, (n, v) in enumerate(rows)
        ],
        columns=list(measures.VISIT_COLUMNS),
    )


def nights_table(visit_table: pd.DataFrame, n: int, *, km_per_night: float = 10.0) -> pd.DataFrame:
    """The per-night rows a replay would write for ``visit_table``."""
    count = visit_table.groupby("night").size()
    rows = []
    for d in dates(n):
        k = int(count.get(d, 0))
        rows.append(
            {
                "night": d,
                "visits": k,
                "collected": 2.0 * k,
                "total": 10.0,
                "coverage": 0.2 * k,
                "risk_total": 5.0,
                "km": km_per_night,
                "status": "ok",
            }
        )
    return pd.DataFrame(rows)


def measured(visit_table: pd.DataFrame, n: int, **kw: float) -> measures.Measures:
    routes = pd.DataFrame(columns=list(measures.ROUTE_COLUMNS))
    return measures.measure(
        venues=VENUES,
        desa_levels=DESA,
        squad_ids=["R1"],
        per_night=nights_table(visit_table, n, **kw),
        visits=visit_table,
        routes=routes,
        dates=dates(n),
    )


# ------------------------------------------------------------------ windows


def test_window_ends() -> None:
    assert measures.window_ends(9, 7) == [6, 7, 8]
    assert measures.window_ends(7, 7) == [6]
    assert measures.window_ends(3, 7) == [2]
    assert measures.window_ends(16, 14) == [13, 14, 15]


@given(
    st.lists(st.lists(st.booleans(), min_size=10, max_size=10), min_size=1, max_size=5),
    st.integers(1, 12),
)
def test_window_any_matches_a_recount(rows: list[list[bool]], width: int) -> None:
    hit = np.array(rows, dtype=bool)
    got = measures.window_any(hit, width)
    for w, end in enumerate(measures.window_ends(hit.shape[1], width)):
        lo = max(0, end - width + 1)
        assert got[:, w].tolist() == hit[:, lo : end + 1].any(axis=1).tolist()


@given(st.lists(st.sets(st.integers(0, 11)), min_size=1, max_size=6), st.integers(1, 12))
def test_longest_gaps_of_a_matrix_equal_longest_gap_days(days: list[set[int]], n: int) -> None:
    hit = np.zeros((len(days), n), dtype=bool)
    for i, ds in enumerate(days):
        for d in ds:
            if d < n:
                hit[i, d] = True
    expected = [measures.longest_gap_days(sorted(ds), n) for ds in days]
    assert measures.longest_gaps(hit).tolist() == expected


def test_visit_matrix_ignores_unknown_keys_and_nights_outside() -> None:
    m = measures.visit_matrix(["x", "y"], ["x", "z", "y", "y"], np.array([0, 1, 5, 2]), 3)
    assert m.tolist() == [[True, False, False], [False, False, True]]


# ------------------------------------------------------------------ the issue's measures


def test_a_rawan_desa_missed_in_one_7_night_window() -> None:
    # 9 nights: windows 0-6, 1-7, 2-8. A is reached on nights 0 and 7 (every window);
    # B only on night 0 (not in 1-7 or 2-8); C (rendah) never: not a rawan desa.
    m = measured(visits([(0, "a1"), (7, "a2"), (0, "b1")]), 9)
    assert m.metrics["high_desa"] == 2  # S has no active venue
    assert m.metrics["high_desa_missed"] == 1
    per_desa = m.per_desa.set_index("desa_code")
    assert per_desa.loc["B", "missed_a_window"] and not per_desa.loc["A", "missed_a_window"]
    assert per_desa.loc["B", "windows_reached"] == 1 and per_desa.loc["A", "windows"] == 3
    # desa reach: 3 desa with an active venue; A and B reached in window 0-6, only A after
    assert m.metrics["desa_total"] == 3
    assert m.metrics["desa_7d_share_mean"] == pytest.approx((2 / 3 + 1 / 3 + 1 / 3) / 3)
    assert m.metrics["desa_7d_share_min"] == pytest.approx(1 / 3)
    assert m.metrics["desa_7d_reached_min"] == 1
    assert m.metrics["desa_reached_every_window"] == 1


def test_every_rawan_desa_reached_in_every_window() -> None:
    m = measured(visits([(0, "a1"), (6, "b1"), (7, "a1"), (8, "b1")]), 9)
    assert m.metrics["high_desa_missed"] == 0


def test_rawan_venues_unvisited_in_a_14_night_window_take_the_worst_window() -> None:
    # 16 nights: windows 0-13, 1-14, 2-15. a1 only on night 0, a2 only on night 15,
    # b1 on night 7 (every window). Unvisited per window: [a2], [a1, a2], [a1] -> max 2.
    # c1, c2 are not rawan; s1 is rawan but inactive.
    m = measured(visits([(0, "a1"), (15, "a2"), (7, "b1")]), 16)
    assert measures.rawan_unvisited(m.per_venue, visits([(0, "a1"), (15, "a2"), (7, "b1")]),
                                    dates(16)).tolist() == [1, 2, 1]  # fmt: skip
    assert m.metrics["rawan_unvisited_14n"] == 2
    assert m.metrics["rawan_unvisited_14n_mean"] == pytest.approx(4 / 3)
    assert m.metrics["high_never_visited"] == 0


def test_a_replay_shorter_than_14_nights_is_one_window() -> None:
    m = measured(visits([(1, "a1")]), 5)
    assert m.metrics["rawan_unvisited_14n"] == 2  # a2 and b1
    assert m.metrics["high_never_visited"] == 2


def test_most_visits_of_one_desa_in_one_night() -> None:
    # night 0: A three times (a1 by two squads) and B once; night 2: C twice
    table = visits([(0, "a1"), (0, "a2"), (0, "b1"), (2, "c1"), (2, "c2")])
    table = pd.concat([table, visits([(0, "a1")], squad="R2")], ignore_index=True)
    m = measured(table, 3)
    assert m.metrics["desa_max_visits_night"] == 3
    assert m.per_night["desa_max_visits"].tolist() == [3, 0, 2]
    assert m.per_night["desa_reached"].tolist() == [2, 0, 1]
    assert m.metrics["desa_reached_night_mean"] == pytest.approx(1.0)


def test_km_per_visit_and_risk_collected_on_the_yardstick() -> None:
    table = visits([(0, "a1"), (0, "c1"), (1, "b1"), (2, "a2")], risk=1.5)
    m = measured(table, 4, km_per_night=12.0)
    assert m.metrics["km"] == pytest.approx(48.0)
    assert m.metrics["km_per_visit"] == pytest.approx(12.0)  # 48 km / 4 visits
    assert m.metrics["risk_collected"] == pytest.approx(6.0)  # 4 visits x 1.5
    assert m.metrics["risk_total"] == pytest.approx(20.0)  # 4 nights x 5
    assert m.metrics["risk_share"] == pytest.approx(0.3)
    assert m.per_night["risk_collected"].tolist() == pytest.approx([3.0, 1.5, 1.5, 0.0])
    assert m.per_night["risk_share"].tolist() == pytest.approx([0.6, 0.3, 0.3, 0.0])


def test_no_visits_at_all() -> None:
    m = measured(visits([]), 3)
    assert m.metrics["km_per_visit"] == 0.0 and m.metrics["risk_collected"] == 0.0
    assert m.metrics["desa_max_visits_night"] == 0
    assert m.metrics["high_desa_missed"] == 2 and m.metrics["rawan_unvisited_14n"] == 3
    assert m.metrics["desa_7d_share_mean"] == 0.0


def test_desa_past_their_target_are_averaged_over_the_nights_that_know_them() -> None:
    table = visits([(0, "a1")])
    night = nights_table(table, 3).assign(desa_overdue=[3.0, 1.0, math.nan])
    routes = pd.DataFrame(columns=list(measures.ROUTE_COLUMNS))
    m = measures.measure(
        venues=VENUES, desa_levels=DESA, squad_ids=["R1"], per_night=night, visits=table,
        routes=routes, dates=dates(3),
    )  # fmt: skip
    assert m.metrics["desa_overdue_mean"] == pytest.approx(2.0)
    assert "desa_overdue_mean" not in measured(table, 3).metrics  # scores without presence


def test_per_venue_counts_first_last_and_gaps() -> None:
    table = visits([(1, "a1"), (4, "a1"), (2, "c1")])
    venue = measures.per_venue(VENUES, DESA, table, dates(6)).set_index("venue_id")
    assert venue.loc["a1", "visits"] == 2
    assert venue.loc["a1", "first_visit"] == dates(6)[1]
    assert venue.loc["a1", "last_visit"] == dates(6)[4]
    assert venue.loc["a1", "longest_gap_days"] == 2  # nights 2 and 3
    assert venue.loc["b1", "visits"] == 0 and venue.loc["b1", "first_visit"] is None
    assert venue.loc["b1", "longest_gap_days"] == 6
    assert math.isnan(venue.loc["b1", "mean_priority"])
    assert venue.loc["a1", "kerawanan"] == "tinggi" and not venue.loc["s1", "active"]


def test_predictability_counts_pairs_of_consecutive_nights() -> None:
    table = visits([(0, "a1"), (0, "b1"), (1, "b1"), (1, "c1")])
    squads, pairs = measures.per_squad(["R1", "R9"], table, pd.DataFrame(), dates(3))
    assert pairs == pytest.approx([1 / 3, 0.0])  # {a1,b1}-{b1,c1}, {b1,c1}-{}
    assert squads.set_index("squad_id").loc["R9", "visits"] == 0


# ------------------------------------------------------------------ comparison and targets


def test_compare_names_the_winner_of_each_metric() -> None:
    a = {"risk_collected": 10.0, "jaccard_mean": 0.4, "km_per_visit": 3.0, "coverage": 0.2}
    b = {"risk_collected": 8.0, "jaccard_mean": 0.2, "km_per_visit": 3.0, "coverage": 0.1}
    table = measures.compare_metrics(a, b, ("optimizer", "baseline")).set_index("metric")
    assert list(table.index) == ["risk_collected", "jaccard_mean", "km_per_visit", "coverage"]
    assert table.loc["risk_collected", "winner"] == "optimizer"  # higher wins
    assert table.loc["jaccard_mean", "winner"] == "baseline"  # lower wins
    assert table.loc["km_per_visit", "winner"] == measures.TIE
    assert table.loc["risk_collected", "ratio"] == pytest.approx(1.25)
    assert table.loc["jaccard_mean", "difference"] == pytest.approx(0.2)


def test_every_compared_metric_says_which_way_is_better() -> None:
    keys = [k for k, _ in measures.COMPARE_METRICS]
    assert len(keys) == len(set(keys))
    m = measured(visits([(0, "a1"), (3, "b1")]), 8).metrics
    # a replay measures every compared metric (desa_overdue_mean needs presence scores)
    assert set(keys) - {"desa_overdue_mean"} <= set(m)
    assert set(measures.BEAT_BASELINE) <= set(keys)
    assert {t.metric for t in measures.ISSUE_TARGETS} <= set(keys)


def test_targets_pass_and_fail() -> None:
    good = {
        "desa_7d_share_mean": 0.96, "high_desa_missed": 0, "rawan_unvisited_14n": 35,
        "jaccard_mean": 0.2, "risk_collected": 100.0, "km_per_visit": 3.0,
    }  # fmt: skip
    base = {**good, "desa_7d_share_mean": 0.9, "rawan_unvisited_14n": 50, "jaccard_mean": 0.3,
            "risk_collected": 90.0, "km_per_visit": 4.0}  # fmt: skip
    table = measures.target_table(good, base)
    assert len(table) == len(measures.ISSUE_TARGETS) + len(measures.BEAT_BASELINE)
    assert table["passed"].all()
    bad = {**good, "high_desa_missed": 1, "desa_7d_share_mean": 0.94, "km_per_visit": 4.0}
    failed = set(measures.target_table(bad, base).loc[lambda f: ~f["passed"], "target"])
    assert failed == {
        "high_desa_missed == 0",
        "desa_7d_share_mean >= 0.95",
        "km_per_visit better than baseline",  # a tie does not beat the baseline
    }
    assert len(measures.target_table(good)) == len(measures.ISSUE_TARGETS)


def test_winner_with_nan_is_a_tie() -> None:
    assert measures.winner(math.nan, 1.0, higher_is_better=True, names=("a", "b")) == "tie"
    for x, y in itertools.product((0.0, 1.0), repeat=2):
        w = measures.winner(x, y, higher_is_better=True, names=("a", "b"))
        assert w == ("tie" if x == y else ("a" if x > y else "b"))
