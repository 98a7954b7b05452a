"""Words of the road network: why a station or venue is not routed."""

from __future__ import annotations

from planner.text import Msg, msg

REASONS: dict[str, Msg] = {
    "too_far": msg(
        "berjarak {dist_m:.0f} m dari jalan terdekat (batas {limit_m:.0f} m); tidak dirutekan",
        "{dist_m:.0f} m from the nearest road (limit {limit_m:.0f} m); not routed",
    ),
    "isolated": msg(
        "di potongan jaringan jalan yang tidak terhubung (pergi dan pulang) dengan Polres/Polsek "
        "mana pun; tidak dirutekan",
        "on a piece of the road network with no way to and from any station; not routed",
    ),
}
"""Why a point is left out of the matrices (keys of :attr:`planner.network.Snapped.unreachable`),
with ``{dist_m}`` (its distance to the road) and ``{limit_m}`` (``network.snap_max_m``)."""

UNREACHABLE = msg("tidak terjangkau ({reason})", "unreachable ({reason})")
"""The reason of a point left out for a reason :data:`REASONS` does not know."""

__all__ = ["REASONS", "UNREACHABLE"]
