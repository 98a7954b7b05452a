"""The one seam to numba: machine code for the few inner loops Python is too slow for.

The ruin and recreate of the routing search (:mod:`planner.routing._kernel`) and the matrices'
Dijkstra (:mod:`planner.network._dijkstra`) are plain Python over numpy arrays, compiled by
:func:`jit` the first time they run. The machine code is kept in numba's on-disk cache (beside
the module, or in the user's cache folder where the installation is read-only), so a machine
compiles each function once. Compiled functions run without the GIL: threads of one process
may run them side by side, and children forked after the first call inherit the machine code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def jit(func: F) -> F:
    """``func`` compiled to machine code when first called (cached on disk, the GIL released
    while it runs); typed as ``func`` itself for its callers."""
    return cast(F, numba.njit(cache=True, nogil=True)(func))


__all__ = ["jit"]
