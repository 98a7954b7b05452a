"""The synthetic fixtures shared by tests and benchmarks are sane problems."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.testing import synthetic_problem


@hsettings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-9000, 9000), st.integers(-9000, 9000)), min_size=2, max_size=8),
    st.floats(1.0, 30.0),
)
def test_synthetic_matrices_are_sane(pts: list[tuple[int, int]], speed: float) -> None:
    p = synthetic_problem(pts, n_depots=1, squads=[(0, 0, 3600)], speed_mps=speed)
    t = p.travel_s[0]
    assert (t >= 0).all()
    assert (np.diagonal(t) == 0).all()
    # rounded up: never faster than the exact distance allows
    assert (t >= p.dist_m[0] / speed - 1e-6).all()


def test_a_synthetic_problem_has_the_compiled_dtypes_and_sizes() -> None:
    pts = [(0, 0), (1000, 0), (0, 2000), (3000, 4000)]
    p = synthetic_problem(pts, n_depots=1, squads=[(0, 0, 3600), (0, 600, 7200)])
    assert p.travel_s.dtype == np.int32 and p.travel_s.shape == (1, 4, 4)
    assert p.travel_s.nbytes == 4 * 16  # four bytes a leg
    assert p.dist_m.dtype == np.float64 and p.dist_m.shape == (1, 4, 4)
    assert p.travel(1)[0, 3] == 500  # 5,000 m at 10 m/s
    for arr in (p.travel_s, p.dist_m, p.allowed, p.open_s):
        assert not arr.flags.writeable
