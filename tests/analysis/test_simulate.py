"""simulate: replays, metrics, jitter, the independent check of every replayed night and the
`planner simulate` command.

A small generated Trenggalek dataset (80 venues, three squads, ``small`` in ``conftest.py``) is
written once per session; the manual baseline is deterministic and fast, so most replays use
it. The optimiser replays use the reproducible mode with a tiny solution budget.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner import check, pipeline
from planner.analysis import baseline, simulate
from planner.cli import app
from planner.domain import Night, Plan
from planner.errors import InputError
from planner.history import last_visits, open_store
from planner.problem import NightProblem, SolveResult
from planner.sources import load_dataset

runner = CliRunner()
START = dt.date(2026, 11, 20)

FAST = {
    "routing.solution_limit": 2,
    "routing.ruin_recreate_steps": 50,
    "routing.time_limit_s": 30.0,
}


@pytest.fixture(scope="module")
def base_replay(small: Path) -> simulate.Replay:
    return simulate.run(small, None, START, 9, method="baseline", keep_plans=True)


# ------------------------------------------------------------------ pure helpers


def test_longest_gap_examples() -> None:
    assert simulate.longest_gap_days([0, 7], 14) == 6
    assert simulate.longest_gap_days([], 5) == 5
    assert simulate.longest_gap_days(range(5), 5) == 0
    assert simulate.longest_gap_days([2], 5) == 2


@given(st.sets(st.integers(0, 19)), st.integers(1, 20))
def test_longest_gap_is_the_longest_run_of_unvisited_nights(visited: set[int], nights: int) -> None:
    seen = {v for v in visited if v < nights}
    runs = [
        len(list(g)) for k, g in itertools.groupby(range(nights), key=lambda d: d in seen) if not k
    ]
    assert simulate.longest_gap_days(sorted(visited), nights) == max(runs, default=0)


def test_jaccard() -> None:
    assert simulate.jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert simulate.jaccard(set(), set()) is None
    assert simulate.jaccard({"a"}, {"a"}) == 1.0


def test_jitter_is_seeded_bounded_and_keeps_flags() -> None:
    scores = pd.DataFrame(
        {
            "venue_id": [f"V{i}" for i in range(200)],
            "priority": np.linspace(0.0, 10.0, 200),
            "must_visit": [i % 7 == 0 for i in range(200)],
        }
    )
    a = simulate.jitter_priorities(scores, 20, seed=5)
    b = simulate.jitter_priorities(scores, 20, seed=5)
    c = simulate.jitter_priorities(scores, 20, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a["priority"].equals(c["priority"])
    ratio = a["priority"][1:] / scores["priority"][1:]
    assert ratio.between(0.8, 1.2).all() and ratio.std() > 0.05
    assert a["must_visit"].equals(scores["must_visit"])
    assert simulate.jitter_priorities(scores, 0, seed=5) is scores
    assert scores["priority"].iloc[-1] == 10.0  # the input is not changed


def test_night_seeds_differ_per_night_and_base_seed() -> None:
    nights = [Night(START + dt.timedelta(days=i)) for i in range(30)]
    seeds = {simulate.night_seed(s, n) for s in (0, 1) for n in nights}
    assert len(seeds) == 60


# ------------------------------------------------------------------ replay


def test_replay_tables_are_consistent(base_replay: simulate.Replay, small: Path) -> None:
    r = base_replay
    assert list(r.per_night["night"]) == [START + dt.timedelta(days=i) for i in range(9)]
    assert (r.per_night["method"] == "baseline").all()
    # per-night totals agree with the visit and route tables
    by_night = r.visits.groupby("night").size()
    assert (
        by_night.reindex(r.per_night["night"], fill_value=0).tolist()
        == r.per_night["visits"].tolist()
    )
    collected = r.visits.groupby("night")["priority"].sum()
    assert np.allclose(
        collected.reindex(r.per_night["night"], fill_value=0), r.per_night["collected"]
    )
    assert np.allclose(r.routes.groupby("night")["km"].sum(), r.per_night["km"].to_numpy())
    assert ((r.per_night["coverage"] > 0) & (r.per_night["coverage"] <= 1)).all()
    m = r.metrics
    assert m["coverage"] == pytest.approx(
        r.per_night["collected"].sum() / r.per_night["total"].sum()
    )
    assert r.per_squad["visits"].sum() == m["visits"] == len(r.visits)
    assert r.per_squad["km"].sum() == pytest.approx(m["km"])
    assert m["squad_visits_min"] <= m["squad_visits_max"]
    assert m["squad_visits_cv"] == pytest.approx(
        r.per_squad["visits"].std(ddof=0) / r.per_squad["visits"].mean()
    )
    assert r.per_venue["visits"].sum() == len(r.visits)
    assert len(r.plans) == 9
    # a venue is visited at most once a night
    assert not r.visits.duplicated(["night", "venue_id"]).any()


def test_replay_predictability_matches_a_recount(base_replay: simulate.Replay) -> None:
    r = base_replay
    values = []
    for sid in r.per_squad["squad_id"]:
        mine = r.visits[r.visits["squad_id"] == sid]
        sets = [set(mine.loc[mine["night"] == n, "venue_id"]) for n in r.per_night["night"]]
        for a, b in itertools.pairwise(sets):
            if a | b:
                values.append(len(a & b) / len(a | b))
    assert r.metrics["jaccard_mean"] == pytest.approx(float(np.mean(values)))
    assert 0 <= r.metrics["jaccard_mean"] <= 1


def test_replay_gaps_and_desa_reach(base_replay: simulate.Replay) -> None:
    r = base_replay
    nights = list(r.per_night["night"])
    high = r.per_venue[r.per_venue["kerawanan"].isin(simulate.HIGH_LEVELS) & r.per_venue["active"]]
    assert len(high) and r.metrics["high_venues"] == len(high)
    for row in high.head(15).itertuples():
        days = [
            nights.index(n) for n in r.visits.loc[r.visits["venue_id"] == row.venue_id, "night"]
        ]
        assert row.longest_gap_days == simulate.longest_gap_days(days, len(nights))
    assert r.metrics["high_gap_max_days"] == high["longest_gap_days"].max()
    # 9 nights: windows end on nights 7, 8 and 9
    assert sorted(set(r.desa_weekly["window_end"])) == nights[6:]
    last = r.desa_weekly[r.desa_weekly["window_end"] == nights[-1]]
    seen = r.visits[r.visits["night"] >= nights[-7]]
    assert last["desa_reached"].sum() == seen["desa_code"].nunique()
    assert (r.per_kecamatan["reached_every_window"] <= r.per_kecamatan["desa_total"]).all()
    assert 0 < r.metrics["desa_7d_share_mean"] <= 1


def test_replay_measures_presence_from_its_visits(base_replay: simulate.Replay) -> None:
    r = base_replay
    m = r.metrics
    # the yardstick: the visits' risk that night, against the candidates' risk
    assert m["risk_collected"] == pytest.approx(r.visits["risk"].sum())
    assert r.per_night["risk_collected"].sum() == pytest.approx(m["risk_collected"])
    assert 0 < m["risk_share"] < 1 and m["risk_total"] == pytest.approx(
        r.per_night["risk_total"].sum()
    )
    assert (r.visits["risk"] >= 0).all() and r.visits["risk"].gt(0).any()
    # visits per desa per night, recounted
    per_desa = r.visits.groupby(["night", "desa_code"]).size()
    assert m["desa_max_visits_night"] == per_desa.max()
    assert (
        r.per_night["desa_reached"].tolist()
        == (
            r.visits.groupby("night")["desa_code"]
            .nunique()
            .reindex(r.per_night["night"], fill_value=0)
        ).tolist()
    )
    assert m["km_per_visit"] == pytest.approx(r.per_night["km"].sum() / len(r.visits))
    # rawan desa missed: recount from the per-desa table and the 7-night windows
    nights = list(r.per_night["night"])
    high = r.per_desa[r.per_desa["kerawanan"].isin(simulate.HIGH_LEVELS)]
    missed = 0
    for code in high["desa_code"]:
        seen = set(r.visits.loc[r.visits["desa_code"] == code, "night"])
        if any(not seen & set(nights[e - 6 : e + 1]) for e in range(6, len(nights))):
            missed += 1
    assert m["high_desa_missed"] == missed
    # 9 nights < 14: one window, so the worst window is the whole replay
    assert m["rawan_unvisited_14n"] == m["high_never_visited"]


def test_the_yardstick_does_not_move_with_the_weights(small: Path) -> None:
    a = simulate.run(small, {"weights.kerawanan": 0.5}, START, 1, method="baseline")
    b = simulate.run(small, {"weights.kerawanan": 3.0}, START, 1, method="baseline")
    assert b.per_night["total"].iloc[0] > a.per_night["total"].iloc[0]
    assert a.per_night["risk_total"].iloc[0] == pytest.approx(b.per_night["risk_total"].iloc[0])


def test_rotation_uses_only_the_replayed_earlier_nights(small: Path) -> None:
    with open_store(":memory:") as store:
        r = simulate.run(small, None, START, 3, method="baseline", store=store)
        nights = {row[0] for row in store.conn.execute("SELECT DISTINCT night FROM visits")}
        assert nights == {(START + dt.timedelta(days=i)).isoformat() for i in range(3)}
        # before the second night starts, only the first night's visits are known
        before = last_visits(store, before=Night(START + dt.timedelta(days=1)).at(420))
        first = set(r.visits.loc[r.visits["night"] == START, "venue_id"])
        assert set(before) == first


def test_replay_never_sees_future_incidents(small: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "future"
    shutil.copytree(small, other, ignore=shutil.ignore_patterns(".cache"))
    inc = (other / "incidents.csv").read_text(encoding="utf-8").splitlines()
    venues = pd.read_csv(other / "venues.csv")
    lat, lon = venues.loc[0, "lat"], venues.loc[0, "lon"]
    # a heavy incident on the third night, after that night's patrols started
    when = "22/11/2026 23:30"
    extra = [f"INS-F{i},{when},{lat},{lon},narkoba,9.0," for i in range(20)]
    (other / "incidents.csv").write_text("\n".join(inc + extra) + "\n", encoding="utf-8")
    a = simulate.run(small, None, START, 3, method="baseline")
    b = simulate.run(other, None, START, 3, method="baseline")
    cols = ["visits", "collected", "total", "coverage", "km"]
    pd.testing.assert_frame_equal(a.per_night[cols], b.per_night[cols])
    # ...while a fourth night does see it
    c = simulate.run(other, None, START, 4, method="baseline")
    d = simulate.run(small, None, START, 4, method="baseline")
    assert c.per_night["total"].iloc[3] > d.per_night["total"].iloc[3]


def test_jittered_replay_is_logged_and_measured_with_true_priorities(
    small: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="planner.analysis.simulate"):
        r = simulate.run(small, None, START, 2, method="baseline", jitter_pct=30, seed=4)
    assert (r.per_night["jitter_pct"] == 30).all()
    seeds = [simulate.night_seed(4, Night(n)) for n in r.per_night["night"]]
    assert r.per_night["jitter_seed"].tolist() == seeds
    assert any(str(seeds[0]) in rec.getMessage() for rec in caplog.records)
    assert not np.allclose(r.visits["priority"], r.visits["priority_used"])
    plain = simulate.run(small, None, START, 1, method="baseline")
    assert r.per_night["total"].iloc[0] == pytest.approx(plain.per_night["total"].iloc[0])


def test_settings_overrides_change_the_scores(small: Path) -> None:
    a = simulate.run(small, {"weights.kerawanan": 0.0}, START, 1, method="baseline")
    b = simulate.run(small, {"weights.kerawanan": 3.0}, START, 1, method="baseline")
    assert a.settings.weights.kerawanan == 0.0
    assert b.per_night["total"].iloc[0] > a.per_night["total"].iloc[0]
    assert len(b.per_squad) == 3  # the roster of the dataset is kept


def test_optimizer_replay_is_reproducible_and_compares_with_the_baseline(small: Path) -> None:
    runs = [
        simulate.run(small, FAST, START, 2, reproducible=True, time_limit_s=30) for _ in range(2)
    ]
    drop = list(simulate.TIMING_METRICS)
    assert {k: v for k, v in runs[0].metrics.items() if k not in drop} == {
        k: v for k, v in runs[1].metrics.items() if k not in drop
    }
    base = simulate.run(small, FAST, START, 2, method="baseline")
    table = simulate.compare(runs[0], base)
    assert list(table.columns) == [
        "metric", "higher_is_better", "optimizer", "baseline", "difference", "ratio", "winner",
    ]  # fmt: skip
    assert list(table["metric"]) == [k for k, _ in simulate.COMPARE_METRICS]
    row = table.set_index("metric").loc["coverage"]
    assert row["optimizer"] == pytest.approx(runs[0].metrics["coverage"])
    assert row["difference"] == pytest.approx(row["optimizer"] - row["baseline"])
    for r in table.itertuples():
        better = r.optimizer > r.baseline if r.higher_is_better else r.optimizer < r.baseline
        expected = (
            "tie"
            if r.optimizer == pytest.approx(r.baseline)
            else ("optimizer" if better else "baseline")
        )
        assert r.winner == expected, r.metric


def test_every_replayed_night_is_verified_once_by_the_checker(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No replayed plan is trusted from the solver: the checker sees each night exactly once."""
    real = check.verify
    seen: list[dt.date] = []

    def counting(plan: Plan, problem: NightProblem) -> list[check.Violation]:
        seen.append(plan.night.date)
        return real(plan, problem)

    monkeypatch.setattr(check, "verify", counting)
    simulate.run(small, None, START, 3, method="baseline")
    assert seen == [START + dt.timedelta(days=i) for i in range(3)]
    seen.clear()
    simulate.run(small, FAST, START, 1, reproducible=True, time_limit_s=30)
    assert seen == [START]


def test_a_replayed_plan_that_breaks_a_rule_stops_the_replay(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def early(problem: NightProblem, cfg: object = None) -> SolveResult:
        res = baseline.manual_plan(problem)
        first = dataclasses.replace(res.plan.routes[0], depart_s=res.plan.routes[0].depart_s - 3600)
        plan = dataclasses.replace(res.plan, routes=(first, *res.plan.routes[1:]))
        return dataclasses.replace(res, plan=plan)

    monkeypatch.setattr(simulate, "manual_plan", early)
    with pytest.raises(check.PlanViolationError) as err:
        simulate.run(small, None, START, 2, method="baseline")
    assert "start_before_shift" in {v.rule for v in err.value.violations}


def test_bad_arguments_raise_input_errors(small: Path) -> None:
    with pytest.raises(InputError):
        simulate.run(small, None, START, 0)
    with pytest.raises(InputError):
        simulate.run(small, None, "2026-13-01", 1)
    with pytest.raises(InputError):
        simulate.run(small, None, START, 1, jitter_pct=150)


def test_default_start_ends_on_the_last_incident(small: Path) -> None:
    ds = load_dataset(small)
    last = ds.incidents["occurred_at"].max().date()
    assert simulate.default_start(ds, 7) == last - dt.timedelta(days=6)


# ------------------------------------------------------------------ CLI


def test_cli_simulate_prints_metrics_and_baseline(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "hasil"
    res = runner.invoke(
        app,
        [
            "simulate", str(small), "--start", START.isoformat(), "--nights", "2",
            "--baseline", "--time-limit", "30", "--reproducible", "--set",
            "routing.solution_limit=2", "--set", "routing.ruin_recreate_steps=50", "--out", str(out),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Cakupan" in res.output and "manual" in res.output
    assert {p.name for p in out.iterdir()} >= {"per_malam.csv", "per_tempat.csv", "banding.csv"}
    nights = pd.read_csv(out / "per_malam.csv", sep=";", decimal=",")  # the office dialect
    assert set(nights["method"]) == {"optimizer", "baseline"} and len(nights) == 4
    assert nights["coverage"].dtype == float and nights["coverage"].between(0, 1).all()
    assert "Manual unggul pada:" in res.output and "Optimasi unggul pada:" in res.output


def test_wins_name_the_baselines_wins_too() -> None:
    """The headline of simulate --baseline: every metric lands with its winner, the baseline's
    wins included, in the order of HEADLINE_METRICS; a method that wins nothing gets ()."""
    from planner.analysis.measures import compare_metrics

    opt = {k: 1.0 for k in simulate.HEADLINE_METRICS}
    base = dict(opt)
    base["coverage"] = 0.5  # higher is better: the optimiser wins
    base["km_per_visit"] = 0.5  # lower is better: the baseline wins
    base["jaccard_mean"] = 0.25  # lower is better: the baseline wins
    table = compare_metrics(opt, base, ("optimizer", "baseline"))
    won = simulate.wins(table)
    assert won["optimizer"] == ("coverage",)
    assert won["baseline"] == ("jaccard_mean", "km_per_visit")
    assert set(won["tie"]) == set(simulate.HEADLINE_METRICS) - {
        "coverage", "jaccard_mean", "km_per_visit"
    }  # fmt: skip
    assert simulate.wins(compare_metrics(opt, opt, ("optimizer", "baseline")))["baseline"] == ()


def test_cli_simulate_bad_input_exits_2_without_traceback(small: Path) -> None:
    res = runner.invoke(
        app,
        ["simulate", str(small), "--start", "kemarin", "--set", "weights.nope=1", "--lang", "en"],
    )
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "--start" in res.output and "weights.nope" in res.output


def test_a_night_without_a_plan_is_solved_again_with_more_time(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.plan_night
    limits: list[float | None] = []

    def flaky(*args: object, **kwargs: object) -> pipeline.NightResult:
        limits.append(kwargs.get("time_limit_s"))  # type: ignore[arg-type]
        res = real(*args, **kwargs)  # type: ignore[arg-type]
        if len(limits) == 1:  # the first solve "finds nothing"
            return dataclasses.replace(
                res, result=dataclasses.replace(res.result, status="no_solution")
            )
        return res

    monkeypatch.setattr(pipeline, "plan_night", flaky)
    r = simulate.run(small, None, START, 2, method="baseline", time_limit_s=1.5)
    assert limits == [1.5, 3.0, 1.5]
    assert r.per_night["retries"].tolist() == [1, 0]
    assert r.metrics["nights_retried"] == 1 and r.metrics["nights_no_solution"] == 0
