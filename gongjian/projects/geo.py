"""Where Laixi's towns, streets and zone lie, roughly (longitude, latitude), for the project map's schematic: the
map draws these points with no map tiles and no outside request. Towns not listed are placed on a ring."""

import math
from decimal import Decimal

TOWN_CENTERS: dict[str, tuple[float, float]] = {
    "水集街道": (120.526, 36.889), "望城街道": (120.490, 36.858), "沽河街道": (120.452, 36.905),
    "姜山镇": (120.505, 36.700), "夏格庄镇": (120.415, 36.780), "院上镇": (120.640, 36.835),
    "日庄镇": (120.602, 36.955), "南墅镇": (120.610, 37.045), "河头店镇": (120.485, 36.995),
    "店埠镇": (120.395, 36.840), "马连庄镇": (120.735, 36.975), "莱西经济开发区": (120.560, 36.840),
}
CITY_CENTER = (120.53, 36.87)
# Projects without their own coordinates sit around their town's point, spread by id so they do not overlap.
SPREAD = 0.011


def town_point(name: str, index: int, count: int) -> tuple[float, float]:
    if name in TOWN_CENTERS:
        return TOWN_CENTERS[name]
    angle = 2 * math.pi * index / max(count, 1)
    return (round(CITY_CENTER[0] + 0.22 * math.cos(angle), 4), round(CITY_CENTER[1] + 0.16 * math.sin(angle), 4))


def spread(center: tuple[float, float], project_id: int) -> tuple[float, float]:
    """A stable offset around the town's point (golden-angle spiral on the project id)."""
    angle = project_id * 2.399963
    radius = SPREAD * (0.3 + (project_id % 5) / 6)
    return (round(center[0] + radius * math.cos(angle), 5), round(center[1] + radius * math.sin(angle) * 0.8, 5))


def project_point(center: tuple[float, float], project_id: int, longitude: Decimal | None,
                  latitude: Decimal | None) -> tuple[float, float, bool]:
    """(longitude, latitude, exact?) — the project's own coordinates when it has them."""
    if longitude is not None and latitude is not None:
        return float(longitude), float(latitude), True
    return (*spread(center, project_id), False)
