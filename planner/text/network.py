"""Words of the road network: why a station or venue is not routed."""

from __future__ import annotations

from planner.text import Lang, Msg, msg, number

REASONS: dict[str, Msg] = {
    "too_far": msg(
        "berjarak {dist_m} m dari jalan terdekat (batas {limit_m} m); tidak dirutekan",
        "{dist_m} m from the nearest road (limit {limit_m} m); not routed",
    ),
    "isolated": msg(
        "di potongan jaringan jalan yang tidak terhubung (pergi dan pulang) dengan Polres/Polsek "
        "mana pun; tidak dirutekan",
        "on a piece of the road network with no way to and from any station; not routed",
    ),
}
"""Why a point is left out of the matrices (keys of :attr:`planner.network.Snapped.unreachable`),
with ``{dist_m}`` (its distance to the road) and ``{limit_m}`` (``network.snap_max_m``), each
formatted as its language writes numbers (:func:`distance_msg`)."""


def distance_msg(template: Msg, **metres: float) -> Msg:
    """``template`` with each distance in whole metres as each language writes it
    (``1.250`` / ``1,250``; ``?`` for a distance that is not known)."""

    def words(lang: Lang) -> dict[str, str]:
        return {k: "?" if v != v else number(v, lang, 0) for k, v in metres.items()}

    return Msg(template.id.format(**words("id")), template.en.format(**words("en")))


UNREACHABLE = msg("tidak terjangkau ({reason})", "unreachable ({reason})")
"""The reason of a point left out for a reason :data:`REASONS` does not know."""

__all__ = ["REASONS", "UNREACHABLE", "distance_msg"]
