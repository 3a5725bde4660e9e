"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Written out rather than generated: the API's parameters are the CLI's options, read by
``explorer.plan_request``, and its answers the ``--format json`` objects of SPEC.md, whose
contract keys are what the schemas require (an answer may carry more keys). The tests check
the document with an OpenAPI validator and real answers against its schemas.
"""

from __future__ import annotations

from typing import Any

from genai_kg.plan.catalog import LEVELS

NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
IDS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _names(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "array", "items": {"type": "string"}}
    return _query(name, description, schema, style="form", explode=True)


START = _query("from", "Where the learner stands: a role's id, name or alias.",
               {"type": "string"}, required=True)  # fmt: skip
GOAL = _query("to", "The role to reach: its id, name or alias.", {"type": "string"}, required=True)
MEASURE = {"type": "string", "enum": ["courses", "hours", "cost"], "default": "courses"}
BY = _query("by", "What the plan minimises.", MEASURE)
HAVE = _names("have", "Skills already held (names or ids; repeat, or separate with commas).")
DONE = _names("done", "Courses already taken (titles or ids): their skills are held and they "
              "are never planned again.")  # fmt: skip
PLAN_PARAMETERS = [
    START,
    GOAL,
    BY,
    HAVE,
    DONE,
    _names("provider", "Only courses of these providers (platform or creator; names or ids)."),
    _query("max_level", "The hardest course level to plan.", {"type": "string", "enum": [*LEVELS]}),
    _query("free", "Only courses known to cost nothing.", {"type": "boolean"}),
    _query("with_optional", "Aim at the goal's optional skills too.", {"type": "boolean"}),
    _query("alternatives", "Up to this many further plans, with other course sets.",
           {"type": "integer", "minimum": 0, "maximum": 20}),  # fmt: skip
    _query("hours_per_week", "Study pace: gives each course its weeks (default 10).",
           {"type": "number", "exclusiveMinimum": 0}),  # fmt: skip
    _query("max_hours", "A hard limit on the plan's hours.", {"type": "number", "minimum": 0}),
    _query("max_cost", "A hard limit on the plan's cost in USD.", {"type": "number", "minimum": 0}),
]

COURSE = {
    "type": "object",
    "required": ["id", "title", "hours", "cost", "teaches", "fills"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "hours": NUMBER_OR_NULL,
        "cost": NUMBER_OR_NULL,
        "teaches": IDS,
        "fills": IDS,
        "enables": IDS,
        "url": {"type": ["string", "null"]},
        "weeks": {
            "type": ["object", "null"],
            "required": ["start", "end"],
            "properties": {"start": {"type": "number"}, "end": {"type": "number"}},
        },
    },
}
PLAN = {
    "type": "object",
    "required": ["from", "to", "by", "optimal", "gap", "courses", "totals", "left_out"],
    "properties": {
        "from": {"type": "string"},
        "to": {"type": "string"},
        "by": {"type": "string", "enum": ["courses", "hours", "cost"]},
        "optimal": {"type": "boolean"},
        "gap": IDS,
        "untaught": IDS,
        "courses": {"type": "array", "items": {"$ref": "#/components/schemas/Course"}},
        "totals": {
            "type": "object",
            "required": ["courses", "hours", "cost"],
            "properties": {"courses": {"type": "integer"}, "hours": NUMBER_OR_NULL,
                           "cost": NUMBER_OR_NULL, "weeks": NUMBER_OR_NULL},  # fmt: skip
        },
        "left_out": {"type": "integer"},
        "start": {"type": "object"},
        # Further plans in the same shape (``optimal``: proven best outside the plans before).
        "alternatives": {"type": "array", "items": {"$ref": "#/components/schemas/Plan"}},
    },
}
GAP = {
    "type": "object",
    "required": ["from", "to", "have", "missing", "teachable"],
    "properties": {key: {"type": "string"} for key in ("from", "to")}
    | dict.fromkeys(("have", "missing", "teachable"), IDS),
}
NEXT = {
    "type": "object",
    "required": ["from", "by", "roles"],
    "properties": {
        "from": {"type": "string"},
        "by": {"type": "string"},
        "roles": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role", "name", "optimal", "courses", "totals"],
            },
        },
    },
}
SHOW = {"type": "object", "required": ["kind", "id"],
        "properties": {"kind": {"type": "string"}, "id": {"type": "string"}}}  # fmt: skip
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _operation(summary: str, parameters: list[dict[str, Any]], schema: str) -> dict[str, Any]:
    def answer(description: str, name: str) -> dict[str, Any]:
        ref = {"$ref": f"#/components/schemas/{name}"}
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": answer(f"The `{summary.split()[0].lower()}` object of `--format json`.",
                              schema),  # fmt: skip
                "400": answer("A parameter the CLI would refuse too.", "Error"),
                "404": answer("A name nothing is called (the message suggests the closest).",
                              "Error"),  # fmt: skip
            },
        }
    }


def openapi_document(version: str) -> dict[str, Any]:
    """Return the API's OpenAPI 3.1 document (``version``: genai-kg's own)."""
    name = _query("name", "An entity's id, name or alias (`skill:python` names the kind).",
                  {"type": "string"}, required=True)  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "genai-kg explorer API",
            "version": version,
            "description": "Learning plans between Generative-AI roles, the skill gap, the next "
            "roles and every entity, as `genai-kg path|gap|next|show --format json` prints them. "
            "The read-only SPARQL 1.1 endpoint is at /sparql.",
        },
        "paths": {
            "/api/plan": _operation("Plan: the optimal course sequence", PLAN_PARAMETERS, "Plan"),
            "/api/gap": _operation("Gap: the goal's skills held and missing",
                                   [START, GOAL, HAVE, DONE], "Gap"),  # fmt: skip
            "/api/next": _operation("Next: the roles within reach, ranked",
                                    [START, BY, HAVE, DONE], "Next"),  # fmt: skip
            "/api/show": _operation("Show: one entity with its links", [name], "Show"),
        },
        "components": {
            "schemas": {"Plan": PLAN, "Course": COURSE, "Gap": GAP, "Next": NEXT, "Show": SHOW,
                        "Error": ERROR},  # fmt: skip
        },
    }
