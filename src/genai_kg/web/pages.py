"""The explorer's HTML pages: views of the objects ``web.explorer`` answers with.

Jinja2 escapes every value (autoescape on); no page has inline script, and every response
carries a Content-Security-Policy that allows scripts, styles and images from this server
only, so a name with ``<script>`` in it is text and nothing else can run or load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from jinja2.filters import do_sort, do_unique
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from genai_kg.errors import GenaiKgError
from genai_kg.plan.catalog import LEVELS, Catalog
from genai_kg.render import money, number
from genai_kg.web.api import answer_json, api_routes
from genai_kg.web.explorer import (
    KINDS,
    MEASURES,
    BadRequest,
    Explorer,
    status_of,
    supported_options,
)
from genai_kg.web.pool import WorkerPool
from genai_kg.web.salary import salary_chart
from genai_kg.web.sparql_page import query_routes
from genai_kg.web.start import Posted, bring, problems_of, read_posted, shown_hits

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Cytoscape.js sets style attributes on the elements it adds, which a strict style-src
#: blocks; the graph page alone allows inline styles (scripts stay 'self' only).
GRAPH_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
UNITS = {"courses": "courses", "hours": "hours", "cost": "dollars"}
#: "Python (skill:python)": a link target as ``describe`` names it.
_TARGET = re.compile(r"^(?P<label>.*) \((?P<kind>[a-z]+):(?P<id>[^()]+)\)$")


def hours(value: float | None) -> str:
    """Hours as a page shows them: ``hours(12.5)`` -> ``'12.5 h'``; None -> ``'unknown'``."""
    return "unknown" if value is None else f"{value:g} h"


def cost(value: float | None, currency: str | None = "USD") -> str:
    """A price as a page shows it: ``cost(0)`` -> ``'free'``; None -> ``'unknown'``.

    >>> cost(49), cost(0), cost(None), cost(30, "EUR")
    ('$49', 'free', 'unknown', 'EUR 30')
    """
    if value is None:
        return "unknown"
    return "free" if value == 0 else money(value, currency or "USD")


def total(value: float | None, known: float, unknown: int, show: Callable[..., str]) -> str:
    """A plan total: the sum; or the known part and how many courses lack the value.

    >>> total(None, 0, 2, hours), total(None, 12, 1, hours), total(5, 5, 0, hours)
    ('unknown (for 2 courses)', 'at least 12 h (unknown for 1 course)', '5 h')
    """
    if unknown == 0 and value is not None:
        return show(value)
    lacking = f"for {unknown} course{'' if unknown == 1 else 's'}"
    if not known:
        return f"unknown ({lacking})"
    return f"at least {show(known)} (unknown {lacking})"


def weeks_total(value: float) -> str:
    """Weeks as a plan total: ``weeks_total(3.5)`` -> ``'3.5 weeks'``; 1 -> ``'1 week'``."""
    return f"{value:g} week{'' if value == 1 else 's'}"


def target(text: str) -> dict[str, str | None]:
    """Split ``describe``'s "Label (kind:id)" into a label and the page it links to."""
    match = _TARGET.match(text)
    if match is None:
        return {"label": text, "href": None}
    kind, entity_id = match["kind"], match["id"]
    href = f"/{kind}/{entity_id}" if kind in KINDS else None
    return {"label": match["label"], "href": href}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("genai_kg.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(hours=hours, cost=cost, target=target, number=number)
    env.globals.update(
        total=total,
        hours=hours,
        cost=cost,
        money=money,
        weeks_total=weeks_total,
        levels=LEVELS,
        measures=MEASURES,
        units=UNITS,
    )
    return env


def page_routes(explorer: Explorer, pool: WorkerPool | None = None) -> list[BaseRoute]:
    """Return every route of the explorer: the pages, the downloads, ``/api/...``, ``/static``.

    ``pool`` runs the queries of ``/query`` (the SPARQL page); without it that page says so.
    """
    env = _environment()
    kept: list[dict[str, Any]] = [{}]  # one slot, swapped whole: pages render in threads

    def catalog_names(catalog: Catalog) -> dict[str, Any]:
        """The names every page's forms and links use, made once per catalog."""
        names = kept[0]
        if names.get("catalog_key") != catalog.fingerprint:
            roles = sorted(catalog.roles.values(), key=lambda role: role.name.casefold())
            titles = {cid: course.title for cid, course in catalog.courses.items()}
            names = {
                "catalog_key": catalog.fingerprint,
                "roles": roles,
                "providers": sorted(catalog.providers.items(), key=lambda item: item[1].casefold()),
                "provider_names": catalog.providers,
                "skill_names": catalog.skills,
                "role_names": {role.id: role.name for role in roles},
                "course_titles": titles,
                # as Jinja's `unique | sort` lists them, made once instead of on every page
                "course_title_options": do_sort(env, list(do_unique(env, titles.values()))),
            }
            kept[0] = names
        return names

    def render(name: str, status: int = 200, csp: str = CSP, **context: Any) -> Response:
        common = {
            **catalog_names(explorer.catalog()),
            "later_options": supported_options(),
            # what a post brought (web.start): none on a plain page
            "found": None,
            "hits": [],
            "profile_name": None,
            "share": None,
            "started": False,
        }
        html = env.get_template(name).render({**common, **context})
        headers = SECURITY_HEADERS | {"Content-Security-Policy": csp}
        return HTMLResponse(html, status, headers=headers)

    def plan(request: Request) -> Response:
        return plan_page(request.query_params)

    def plan_page(params: QueryParams, **brought: Any) -> Response:
        form = _form(params)
        if not (form["from"] and form["to"]):
            return render("plan.html", form=form, **brought)
        try:
            answer = explorer.plan(params)
            gap = explorer.gap(params)
        except GenaiKgError as exc:
            return render("plan.html", status_of(exc), form=form, error=str(exc), **brought)
        salaries = {
            role: explorer.describe("roles", role).get("salary", [])
            for role in (answer["from"], answer["to"])
            if role in explorer.catalog().roles
        }
        query = urlencode(list(params.multi_items()))
        return render(
            "plan.html",
            form=form,
            answer=answer,
            gap=gap,
            salaries=salaries,
            chart=salary_chart(salaries),
            query=query,
            proof=_proof(answer),
            **brought,
        )

    def plan_json(request: Request) -> Response:
        filename = {"Content-Disposition": 'attachment; filename="plan.json"'}
        return answer_json(lambda: explorer.plan(request.query_params), filename)

    def plan_mermaid(request: Request) -> Response:
        from genai_kg.plan.text import plan_mermaid as mermaid

        try:
            text = mermaid(explorer.catalog(), explorer.plan(request.query_params))
        except GenaiKgError as exc:
            return PlainTextResponse(f"Error: {exc}\n", status_of(exc))
        filename = {"Content-Disposition": 'attachment; filename="plan.mmd"'}
        return PlainTextResponse(text + "\n", headers=filename)

    def plan_ics(request: Request) -> Response:
        from genai_kg.plan.calendar import plan_calendar

        try:
            start = _start_date(request.query_params.get("start"))
            body = plan_calendar(explorer.catalog(), explorer.plan(request.query_params), start)
        except GenaiKgError as exc:
            return PlainTextResponse(f"Error: {exc}\n", status_of(exc))
        headers = {"Content-Disposition": 'attachment; filename="plan.ics"'}
        return Response(body, headers=headers, media_type="text/calendar; charset=utf-8")

    def gap(request: Request) -> Response:
        return gap_page(request.query_params)

    def gap_page(params: QueryParams, **brought: Any) -> Response:
        form = _form(params)
        if not (form["from"] and form["to"]):
            return render("gap.html", form=form, **brought)
        try:
            answer = explorer.gap(params)
        except GenaiKgError as exc:
            return render("gap.html", status_of(exc), form=form, error=str(exc), **brought)
        query = urlencode(list(params.multi_items()))
        return render("gap.html", form=form, gap=answer, query=query, **brought)

    def next_(request: Request) -> Response:
        return next_page(request.query_params)

    def next_page(params: QueryParams, **brought: Any) -> Response:
        form = _form(params)
        if not form["from"]:
            return render("next.html", form=form, **brought)
        try:
            answer = explorer.next(params)
        except GenaiKgError as exc:
            return render("next.html", status_of(exc), form=form, error=str(exc), **brought)
        # what each row's plan link carries besides its goal: the start and the options
        carry = urlencode([(k, v) for k, v in params.multi_items() if k not in ("to", "by")])
        return render("next.html", form=form, answer=answer, carry=carry, **brought)

    def posted(page: Callable[..., Response], template: str) -> Callable[[Request], Any]:
        """The answer to a form posted to a page: with text or a profile file, the page of
        what they hold; with neither, a redirect to the page's shareable URL."""

        async def answer(request: Request) -> Response:
            try:
                form = await read_posted(request)
            except BadRequest as exc:
                empty = _form(QueryParams())
                return await run_in_threadpool(render, template, 400, error=str(exc), form=empty)
            if isinstance(form, Response):  # too large or cut short
                return form
            if not form.brings:
                return RedirectResponse(f"{request.url.path}?{urlencode(form.params)}", 303)
            return await run_in_threadpool(brought_page, form)

        def brought_page(form: Posted) -> Response:
            try:
                brought = bring(form, explorer.catalog(), explorer.find_skills)
            except GenaiKgError as exc:
                head, problems = problems_of(exc)
                kept = _form(QueryParams(form.params))
                return render(
                    template, status_of(exc), form=kept, error=head, problems=problems, started=True
                )
            params = QueryParams(brought.params)
            found = brought.found
            return page(
                params,
                found=found,
                hits=[] if found is None else shown_hits(found, explorer.catalog().skills),
                profile_name=brought.profile,
                share=f"{request_path(template)}?{urlencode(brought.params)}",
            )

        return answer

    def entity(request: Request) -> Response:
        segment, entity_id = request.url.path.split("/")[1], request.path_params["id"]
        table = KINDS[segment]
        try:
            description = explorer.describe(table, entity_id)
        except GenaiKgError as exc:
            return render("entity.html", status_of(exc), error=str(exc), segment=segment)
        if description["id"] != entity_id:  # a name or alias: send to the page's own URL
            return RedirectResponse(f"/{segment}/{description['id']}", 307)
        return render("entity.html", segment=segment, entity=description)

    def graph(request: Request) -> Response:
        segment, entity_id = request.path_params["kind"], request.path_params["id"]
        if segment not in KINDS:
            return render("entity.html", 404, error=f"no kind of entity {segment!r}")
        try:
            answer = explorer.graph(KINDS[segment], entity_id)
        except GenaiKgError as exc:
            return render("entity.html", status_of(exc), error=str(exc), segment=segment)
        return render("graph.html", csp=GRAPH_CSP, segment=segment, graph=answer)

    def graph_json(request: Request) -> Response:
        segment, entity_id = request.path_params["kind"], request.path_params["id"]
        if segment not in KINDS:
            return answer_json(lambda: _no_kind(segment))
        return answer_json(lambda: explorer.graph(KINDS[segment], entity_id))

    def search(request: Request) -> Response:
        text = request.query_params.get("q", "")
        return render("search.html", q=text, hits=explorer.search(text))

    return [
        Route("/", plan),
        Route("/plan", plan),
        Route("/", posted(plan_page, "plan.html"), methods=["POST"]),
        Route("/plan", posted(plan_page, "plan.html"), methods=["POST"]),
        Route("/gap", posted(gap_page, "gap.html"), methods=["POST"]),
        Route("/next", posted(next_page, "next.html"), methods=["POST"]),
        Route("/plan.json", plan_json),
        Route("/plan.mmd", plan_mermaid),
        Route("/plan.ics", plan_ics),
        Route("/gap", gap),
        Route("/next", next_),
        Route("/search", search),
        Route("/graph/{kind:str}/{id:str}", graph),
        Route("/api/graph/{kind:str}/{id:str}", graph_json),
        *(Route(f"/{segment}/{{id:str}}", entity) for segment in KINDS),
        *api_routes(explorer),
        *query_routes(render, pool),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def request_path(template: str) -> str:
    """The page a template shows: ``plan.html`` -> ``/plan``."""
    return "/" + template.removesuffix(".html")


def _start_date(text: str | None) -> date:
    """The calendar's first day: ``start=YYYY-MM-DD``, else the coming Monday."""
    from genai_kg.plan.calendar import next_monday

    if not text:
        return next_monday(date.today())
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"start: {text!r} is not a date such as 2027-01-04") from None


def _no_kind(segment: str) -> dict[str, Any]:
    from genai_kg.errors import NotFoundError

    raise NotFoundError(f"no kind of entity {segment!r} (one of {', '.join(KINDS)})")


def _form(params: Mapping[str, Any]) -> dict[str, Any]:
    """The values to put back in the form: what the visitor asked, as they wrote it."""
    getlist = getattr(params, "getlist", lambda key: [params[key]] if key in params else [])
    form: dict[str, Any] = {
        key: (params.get(key) or "").strip()
        for key in (
            "from", "to", "by", "max_level", "have", "done", "alternatives", *supported_options()
        )
    }
    form["provider"] = [value for value in getlist("provider") if value]
    form["free"] = (params.get("free") or "") not in ("", "0", "false")
    form["with_optional"] = (params.get("with_optional") or "") not in ("", "0", "false")
    return form


def _proof(answer: dict[str, Any]) -> str:
    unit = UNITS[answer["by"]]
    if answer["optimal"]:
        return f"Optimal: no plan with fewer {unit} exists."
    return (
        f"Not proven optimal (the solver's time limit): no plan can have fewer than "
        f"{answer['bound']:g} {unit}."
    )
