"""The map: places and events drawn from the coordinates the graph carries, on a world outline
shipped with the package (no tile server, nothing fetched: it works offline).

Places are the entities with ``geo:lat`` and ``geo:long`` (W3C WGS84 Basic Geo; the merged
graph gives linked places the coordinates of their gazetteer source). An event is drawn at its
first located place: a ``nk:location``, else a ``nk:target`` (a plant, a city). The outline is
Natural Earth's 1:50m countries (public domain) as TopoJSON from the ``world-atlas`` package
(``kg/data/world``, vendored by ``python -m server.vendor``); :func:`world_rings` decodes it.

The projection is equirectangular around the drawn points (longitudes scaled by the cosine of
the middle latitude, so shapes keep their look near the points): simple, exact to reproduce, and
good enough for a region the size of a country.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from kg.dataset.events import EventRow
from kg.dataset.labels import Labeller

WORLD = Path(__file__).resolve().parent.parent / "data" / "world" / "countries-50m.json"
WIDTH = 960.0
#: The smallest area drawn (degrees of longitude; half as many of latitude), so a few places
#: still show their surroundings: about the size of Ukraine.
MIN_SPAN = 24.0
Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) points, closed


@dataclass(frozen=True)
class Place:
    iri: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Marker:
    """A place, where it is drawn, and the shown events drawn at it."""

    place: Place
    x: float
    y: float
    events: tuple[EventRow, ...]
    inside: bool = True  # within the drawn area (the map centres on the places with events)


@dataclass(frozen=True)
class MapView:
    width: float
    height: float
    land: tuple[str, ...]  # SVG path data of the outline, clipped to the view's box
    markers: tuple[Marker, ...]
    unplaced: int  # shown events with no located place
    bounds: tuple[float, float, float, float]  # west, south, east, north


def _decode_arcs(topology: dict[str, object]) -> list[list[tuple[float, float]]]:
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:  # type: ignore[attr-defined]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: Iterable[int]) -> Ring:
    """A ring stitched from arcs (``~i`` is arc ``i`` reversed), TopoJSON spec 2.1.5."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return tuple(points)


@cache
def world_rings(path: Path = WORLD) -> tuple[Ring, ...]:
    """Every ring of every country of the outline, in degrees (decoded once per process)."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    rings: list[Ring] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = (
            [geometry["arcs"]]
            if geometry["type"] == "Polygon"
            else geometry["arcs"]
            if geometry["type"] == "MultiPolygon"
            else []
        )
        for polygon in polygons:
            rings.extend(_ring(arcs, ring) for ring in polygon)
    return tuple(rings)


def places(store: Store, labeller: Labeller) -> list[Place]:
    """Every resource with WGS84 coordinates in the store's default graph."""
    result = store.query(
        "SELECT ?place ?lat ?long WHERE { ?place "
        "<http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat ; "
        "<http://www.w3.org/2003/01/geo/wgs84_pos#long> ?long }"
    )
    assert isinstance(result, QuerySolutions)
    found = []
    for row in result:
        node, lat, lon = row["place"], row["lat"], row["long"]
        if isinstance(node, NamedNode) and isinstance(lat, Literal) and isinstance(lon, Literal):
            try:
                point = float(lat.value), float(lon.value)
            except ValueError:
                continue
            found.append(Place(node.value, labeller.label(node), *point))
    return sorted(found, key=lambda p: (p.label.casefold(), p.iri))


def _bounds(points: Sequence[Place]) -> tuple[float, float, float, float]:
    if not points:
        return -180.0, -60.0, 180.0, 85.0
    west, east = min(p.lon for p in points), max(p.lon for p in points)
    south, north = min(p.lat for p in points), max(p.lat for p in points)
    pad_x = max((MIN_SPAN - (east - west)) / 2, (east - west) * 0.1)
    pad_y = max((MIN_SPAN / 2 - (north - south)) / 2, (north - south) * 0.1)
    return (
        max(-180.0, west - pad_x),
        max(-85.0, south - pad_y),
        min(180.0, east + pad_x),
        min(85.0, north + pad_y),
    )


def _thin(points: list[tuple[float, float]], step: float = 1.5) -> list[tuple[float, float]]:
    """Drop points closer than ``step`` pixels to the last kept one (the outline's detail below
    a pixel only makes the page heavier)."""
    kept = points[:1]
    for x, y in points[1:]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= step:
            kept.append((x, y))
    return kept


def map_view(store: Store, labeller: Labeller, rows: Sequence[EventRow]) -> MapView:
    """The map of ``rows`` (the events shown) and of every place with coordinates."""
    located = places(store, labeller)
    by_iri = {p.iri: p for p in located}
    at: dict[str, list[EventRow]] = defaultdict(list)
    unplaced = 0
    for row in rows:
        spot = next((p.iri for p in (*row.locations, *row.targets) if p.iri in by_iri), None)
        if spot is None:
            unplaced += 1
        else:
            at[spot].append(row)
    focus = [p for p in located if p.iri in at] or located
    west, south, east, north = _bounds(focus)
    scale_x = math.cos(math.radians((south + north) / 2))
    # between 2:1 and 4:3: widen the narrower side around its middle when needed
    if north - south < (east - west) * scale_x / 2:
        middle, half = (south + north) / 2, (east - west) * scale_x / 4
        south, north = max(-85.0, middle - half), min(85.0, middle + half)
    elif (east - west) * scale_x < (north - south) * 4 / 3:
        middle, half = (west + east) / 2, (north - south) * 2 / 3 / scale_x
        west, east = max(-180.0, middle - half), min(180.0, middle + half)
    k = WIDTH / ((east - west) * scale_x)
    height = (north - south) * k

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * scale_x * k, (north - lat) * k

    land = []
    for ring in world_rings():
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
            continue
        points = _thin([project(lon, lat) for lon, lat in ring])
        if len(points) >= 3:
            land.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    markers = [
        Marker(
            p,
            *project(p.lon, p.lat),
            tuple(at.get(p.iri, ())),
            inside=west <= p.lon <= east and south <= p.lat <= north,
        )
        for p in located
    ]
    markers.sort(key=lambda m: (-len(m.events), m.place.label))
    return MapView(
        width=WIDTH,
        height=round(height, 1),
        land=tuple(land),
        markers=tuple(markers),
        unplaced=unplaced,
        bounds=(west, south, east, north),
    )
