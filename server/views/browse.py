"""Browsing pages: entities by class with a name search, the events table (also CSV and JSON,
with the same filters), the timeline of events per day by type, and the map.

Routes read the request's parameters, ask kg.dataset for the rows and render them; every page
works without JavaScript.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import flask
from flask import Blueprint, Response, render_template, request

from kg.dataset.browse import PAGE_SIZE, entity_classes, find_entities, timeline
from kg.dataset.events import EventFilter
from kg.dataset.geo import map_view
from kg.dataset.labels import Labeller
from kg.errors import BadRequest
from server import context
from server.http import cached
from server.rendering import Site

bp = Blueprint("browse", __name__)
CSV_COLUMNS = (
    "iri",
    "kind",
    "sentence",
    "type",
    "type_iri",
    "agents",
    "agent_iris",
    "targets",
    "target_iris",
    "locations",
    "location_iris",
    "earliest",
    "latest",
    "factuality",
    "reports",
    "confidence",
    "articles",
    "article_iris",
)


def _day(name: str) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"{name}={text!r} is not a date", fix=f"give {name} as YYYY-MM-DD"
        ) from None


def _filter() -> EventFilter:
    args = request.args
    return EventFilter(
        type=args.get("type", "").strip(),
        agent=args.get("agent", "").strip(),
        target=args.get("target", "").strip(),
        place=args.get("place", "").strip(),
        factuality=args.get("factuality", "").strip().lower(),
        since=_day("from"),
        until=_day("to"),
    )


def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        raise BadRequest("offset is not a number", fix="give offset as 0, 100, 200 ...") from None


@bp.route("/entities")
def entities() -> Response:
    with context.holder().use() as dataset:
        cls, name, offset = request.args.get("class", ""), request.args.get("q", ""), _offset()
        if cls and not cls.startswith(("http://", "https://")):
            raise BadRequest(f"class={cls!r} is not an IRI", fix="pick a class from the list")
        every = dataset.entity_rows()
        rows, total = find_entities(every, cls=cls, name=name, offset=offset)
        classes = entity_classes(every)
        site = Site(dataset.base_iri, request.script_root)
        page = render_template(
            "entities.html",
            classes=classes,
            rows=rows,
            total=total,
            cls=cls,
            q=name,
            offset=offset,
            page_size=PAGE_SIZE,
            href=site.page_link,
        )
        return cached(Response(page, mimetype="text/html"), dataset.info, request)


def _event_download(rows: list[dict[str, object]], fmt: str) -> Response:
    if fmt == "json":
        response = flask.jsonify({"events": rows, "count": len(rows)})
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        response = Response(out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


@bp.route("/events")
@bp.route("/events.<fmt>")
def events(fmt: str = "html") -> Response:
    if fmt not in ("html", "csv", "json"):
        raise BadRequest(f"events are offered as html, csv or json, not {fmt!r}")
    wanted = _filter()
    with context.holder().use() as dataset:
        every = dataset.event_rows()
        rows = [r for r in every if wanted.keeps(r)]
        if fmt != "html":
            response = _event_download([r.as_dict() for r in rows], fmt)
            return cached(response, dataset.info, request)
        site = Site(dataset.base_iri, request.script_root)
        types = sorted({t.label for r in every for t in r.types})
        page = render_template(
            "events.html",
            rows=rows,
            total=len(every),
            wanted=wanted,
            types=types,
            factualities=("asserted", "reported", "denied", "hypothetical"),
            params=wanted.params(),
            href=site.page_link,
        )
        return cached(Response(page, mimetype="text/html"), dataset.info, request)


@bp.route("/timeline")
def timeline_page() -> Response:
    wanted = _filter()
    with context.holder().use() as dataset:
        line = timeline([r for r in dataset.event_rows() if wanted.keeps(r)])
        page = render_template("timeline.html", line=line, wanted=wanted, params=wanted.params())
        return cached(Response(page, mimetype="text/html"), dataset.info, request)


@bp.route("/map")
def map_page() -> Response:
    wanted = _filter()
    with context.holder().use() as dataset:
        labeller = Labeller(dataset.store, dataset.base_iri)
        rows = [r for r in dataset.event_rows() if wanted.keeps(r)]
        view = map_view(dataset.store, labeller, rows)
        site = Site(dataset.base_iri, request.script_root)
        page = render_template(
            "map.html", view=view, wanted=wanted, params=wanted.params(), href=site.page_link
        )
        return cached(Response(page, mimetype="text/html"), dataset.info, request)
