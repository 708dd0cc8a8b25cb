"""The vendored world outline decodes to the right places; the map view projects points inside
the drawn area."""

from __future__ import annotations

from kg.dataset.geo import WORLD, Ring, world_rings


def inside(point: tuple[float, float], ring: Ring) -> bool:
    """Even-odd rule (lon, lat)."""
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def test_geo_outline_is_vendored_with_its_licence() -> None:
    notice = (WORLD.parent / "NOTICE.txt").read_text(encoding="utf-8")
    assert "Natural Earth" in notice
    assert "public domain" in notice
    assert (WORLD.parent / "LICENSE").is_file()


def test_geo_outline_decodes_to_land_where_land_is() -> None:
    rings = world_rings()
    assert len(rings) > 200
    assert all(-180.01 <= lon <= 180.01 and -90.01 <= lat <= 90.01 for r in rings for lon, lat in r)
    assert all(r[0] == r[-1] for r in rings)  # closed rings
    kyiv, black_sea, paris = (30.52, 50.45), (34.0, 43.0), (2.35, 48.86)
    assert sum(inside(kyiv, r) for r in rings) % 2 == 1
    assert sum(inside(paris, r) for r in rings) % 2 == 1
    assert sum(inside(black_sea, r) for r in rings) % 2 == 0
