"""``/query``, the explorer's SPARQL page, on a worker pool over the tiny dataset's store."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from conftest import TINY
from genai_kg.store.database import open_store, store_dir
from genai_kg.web.explorer import Explorer
from genai_kg.web.pages import page_routes
from genai_kg.web.pool import WorkerPool
from test_web import links, text_of


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = tmp_path_factory.mktemp("web-query-store")
    open_store(TINY, store)  # build it, as serve does before its workers open it read-only
    pool = WorkerPool(store_dir(TINY, store) / "oxigraph", 1, 5.0, 100)
    try:
        with TestClient(Starlette(routes=page_routes(Explorer(TINY, store), pool))) as running:
            yield running
    finally:
        pool.close()


def test_named_query_with_its_parameter_as_a_table(client: TestClient) -> None:
    response = client.get("/query", params={"name": "role-skills", "param.role": "ml-ops"})
    assert response.status_code == 200
    seen = text_of(response.text)
    assert "5 rows" in seen
    for skill in ("Containerisation with Docker", "Machine learning", "Deep learning"):
        assert skill in seen
    assert "role:ml-ops" in seen and "/role/ml-ops" in links(response.text)  # prefixed, linked
    assert 'value="ml-ops"' in response.text  # the parameter is a form field
    assert "VALUES ?role { &lt;https://w3id.org/genai-kg/id/role/ml-ops&gt; }" in response.text


def test_page_lists_every_named_query(client: TestClient) -> None:
    html = client.get("/query").text
    assert '<label for="name">Named query</label>' in html
    assert re.search(r'<option value="role-skills">role-skills: ', html)
    assert '<label for="query">' in html


def test_edited_query_runs_and_downloads_as_csv_and_json(client: TestClient) -> None:
    query = "SELECT ?id WHERE { ?s <https://w3id.org/genai-kg/ontology#id> ?id } ORDER BY ?id"
    page = client.get("/query", params={"query": query})
    assert page.status_code == 200
    csv_link = next(href for href in links(page.text) if href.startswith("/query.csv?"))
    json_link = next(href for href in links(page.text) if href.startswith("/query.json?"))
    rows = list(csv.reader(io.StringIO(client.get(csv_link).text)))
    assert rows[0] == ["id"] and ["analyst"] in rows
    assert "attachment" in client.get(csv_link).headers["content-disposition"]
    bindings = client.get(json_link).json()["results"]["bindings"]
    assert len(bindings) == len(rows) - 1


@pytest.mark.parametrize(
    ("query", "says"),
    [
        pytest.param("SELECT ?x WHERE {\n  ?x ?y }", "2:", id="syntax-line-column"),
        pytest.param("INSERT DATA { <a:b> <a:c> <a:d> }", "", id="update"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(client: TestClient, query: str, says: str) -> None:
    response = client.get("/query", params={"query": query})
    assert response.status_code == 400
    alert = re.search(r'<div class="error" role="alert">(.*?)</div>', response.text, re.S)
    assert alert is not None and says in text_of(alert[1])


def test_bad_parameter_value(client: TestClient) -> None:
    response = client.get("/query", params={"name": "no-such-query"})
    assert response.status_code == 400
    assert "no-such-query" in text_of(response.text)
