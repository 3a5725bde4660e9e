"""``/api/openapi.json``: a valid OpenAPI 3.1 document that the API's real answers match."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.testclient import TestClient

from genai_kg.paths import bundled
from genai_kg.web.explorer import Explorer
from genai_kg.web.pages import page_routes


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    explorer = Explorer(bundled("data"), tmp_path_factory.mktemp("openapi-store"))
    with TestClient(Starlette(routes=page_routes(explorer))) as running:
        yield running


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    reply = client.get("/api/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    loaded: dict[str, Any] = reply.json()
    return loaded


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises on any error
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/api/plan", "/api/gap", "/api/next", "/api/show"}


def schema_of(document: dict[str, Any], path: str, status: str) -> Draft202012Validator:
    ref = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]
    schema = {**ref["schema"], "components": document["components"]}
    return Draft202012Validator(schema)


ANSWERS = [
    ("/api/plan", {"from": "Data Analyst", "to": "MLOps Engineer"}, "200"),
    ("/api/plan", {"from": "data-analyst", "to": "prompt-engineer", "by": "hours",
                   "alternatives": "2", "hours_per_week": "6", "have": "Python, SQL"}, "200"),
    ("/api/plan", {"from": "Data Analyst", "to": "MLOps Engineer", "by": "cost",
                   "max_level": "intermediate", "free": "true"}, "200"),
    ("/api/gap", {"from": "Data Analyst", "to": "MLOps Engineer"}, "200"),
    ("/api/next", {"from": "Data Analyst"}, "200"),
    ("/api/show", {"name": "skill:python"}, "200"),
    ("/api/plan", {"from": "Data Analyts", "to": "MLOps Engineer"}, "404"),
    ("/api/plan", {"from": "Data Analyst", "to": "MLOps Engineer", "by": "fun"}, "400"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "params", "status"), ANSWERS)
def test_real_answers_match_their_schema(
    client: TestClient, document: dict[str, Any], path: str, params: dict[str, str], status: str
) -> None:
    reply = client.get(path, params=params)
    assert str(reply.status_code) == status, reply.text
    errors = sorted(schema_of(document, path, status).iter_errors(reply.json()), key=str)
    assert not errors, [error.message for error in errors]


def test_every_documented_parameter_is_one_the_api_reads(
    client: TestClient, document: dict[str, Any]
) -> None:
    """A parameter set to a bad value is refused, so the API does read it (not ignored)."""
    documented = {p["name"] for p in document["paths"]["/api/plan"]["get"]["parameters"]}
    base = {"from": "Data Analyst", "to": "MLOps Engineer"}
    bad = {"by": "fun", "max_level": "expert", "alternatives": "-1", "hours_per_week": "x",
           "max_hours": "x", "max_cost": "x", "have": "no such skill",
           "provider": "no such provider", "done": "no such course"}  # fmt: skip
    for name in sorted(documented - {"from", "to", "free", "with_optional"}):
        reply = client.get("/api/plan", params={**base, name: bad[name]})
        assert reply.status_code in (400, 404), (name, reply.text)
