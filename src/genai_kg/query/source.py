"""A remote store as the source of the graph: read once, kept in the cache, checked cheaply.

``path``, ``gap``, ``next``, ``show``, ``list`` and ``serve`` with ``--endpoint URL`` answer
from the graph ``push`` wrote to a shared store. The curated graph is small (a few thousand
triples), so it is read whole (one CONSTRUCT) into the same Dataset the YAML gives
(``graph.read``) and every command then runs the code it runs on the embedded store. What was
read is kept, as the Dataset's JSON, under the cache folder (one folder per endpoint and
graph) with the graph's *state*: its triple count and an order-free checksum of its triples,
which one small aggregate query returns. A warm command sends only that query.

The checksum adds up, over the triples, two numbers read from each triple's SHA-256 (its
decimal digits, 12 at a time): any change of one triple changes it (but for a chance of about
2^-80), whatever order the store keeps them in. On Oxigraph server it costs about what reading
the graph costs (spelling out every triple is most of both) but sends back one row instead of
1.5 MB, and spares the client parsing the graph again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_kg.errors import EndpointError, QueryError
from genai_kg.graph.namespaces import CURATED_GRAPH
from genai_kg.paths import DATASET_FILES, atomic_write, cache_dir

if TYPE_CHECKING:
    from genai_kg.dataset.models import Dataset
    from genai_kg.graph.build import Built

#: Decimal digits per number read from a triple's hash: each sum stays far inside the 64-bit
#: integers every store has (10^12 times a million triples is 10^18).
_DIGITS = 12
_CACHED_DATASET = "dataset.json"
_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"


def state_query(graph_iri: str) -> str:
    """Return the query for the graph's state: its triple count and two checksums.

    SPARQL has no hex conversion: the hash's letters are dropped, its digits read as numbers.

    >>> print(state_query("urn:g").splitlines()[0])
    SELECT (COUNT(*) AS ?n) (SUM(?x0) AS ?s0) (SUM(?x1) AS ?s1) WHERE {
    """
    # STR of a blank node is an error: COALESCE gives it a placeholder instead.
    triple = (
        'CONCAT(COALESCE(STR(?s), "_"), " ", STR(?p), " ", COALESCE(STR(?o), "_"), " ", '
        'IF(isLITERAL(?o), CONCAT(STR(DATATYPE(?o)), "@", LANG(?o)), ""))'
    )
    return (
        "SELECT (COUNT(*) AS ?n) (SUM(?x0) AS ?s0) (SUM(?x1) AS ?s1) WHERE {\n"
        f"  GRAPH <{graph_iri}> {{ ?s ?p ?o }}\n"
        f'  BIND(REPLACE(SHA256({triple}), "[a-f]", "") AS ?d)\n'
        f"  BIND(COALESCE({_INTEGER}(SUBSTR(?d, 1, {_DIGITS})), 0) AS ?x0)\n"
        f"  BIND(COALESCE({_INTEGER}(SUBSTR(?d, {_DIGITS + 1}, {_DIGITS})), 0) AS ?x1)\n"
        "}"
    )


def graph_query(graph_iri: str) -> str:
    """Return the query that reads the whole graph."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"


@dataclass(frozen=True)
class RemoteGraph:
    """One named graph on a SPARQL 1.1 query endpoint, with its folder in the cache.

    >>> remote = RemoteGraph("http://127.0.0.1:7878/query")
    >>> remote.graph == "https://w3id.org/genai-kg/graph/curated", remote.folder.name[:7]
    (True, 'remote-')
    """

    endpoint: str
    graph: str = CURATED_GRAPH
    timeout: float = 10.0

    def __post_init__(self) -> None:
        # The IRI goes into the query text: it must be one IRI, with nothing that ends it.
        if not self.graph.startswith(("http://", "https://", "urn:")) or any(
            char in self.graph for char in '<>"{}|^`\\ \n\t'
        ):
            raise QueryError(f"--graph {self.graph!r} is not an absolute IRI")

    @property
    def folder(self) -> Path:
        """The cache folder of this endpoint and graph."""
        key = hashlib.sha256(f"{self.endpoint}\n{self.graph}".encode()).hexdigest()[:16]
        return cache_dir() / f"remote-{key}"

    def state(self) -> str:
        """Return the graph's state (count and checksums) by one small query.

        Raises:
            EndpointError: the endpoint cannot be reached or read, or holds no such graph.
        """
        from genai_kg.query.remote import query_endpoint

        result = query_endpoint(self.endpoint, state_query(self.graph), timeout=self.timeout)
        row = result.rows[0] if result.kind == "select" and len(result.rows) == 1 else None
        values = [term.value if term is not None else "0" for term in row or []]
        if not values or not values[0].isdigit():
            raise EndpointError(
                f"{self.endpoint}: the graph's triple count did not come back "
                f"(got {result.kind} {result.rows[:1]!r}); is this a SPARQL 1.1 query endpoint?"
            )
        if values[0] == "0":
            raise EndpointError(
                f"no graph <{self.graph}> on {self.endpoint}: run genai-kg push first\n"
                f"(genai-kg push --endpoint STORE --graph {self.graph}, STORE being the "
                "store's Graph Store Protocol URL)"
            )
        return "-".join(values)

    def ntriples(self) -> bytes:
        """Return the whole graph as N-Triples, read from the endpoint (one CONSTRUCT)."""
        from genai_kg.query.remote import query_endpoint

        result = query_endpoint(self.endpoint, graph_query(self.graph), timeout=self.timeout)
        if result.kind != "graph":
            raise EndpointError(f"{self.endpoint}: a CONSTRUCT query gave no graph back")
        return "".join(f"{triple} .\n" for triple in result.triples).encode("utf-8")

    def dataset(self, state: str) -> Dataset:
        """Return the graph read back into a Dataset: kept in the cache if read in ``state``.

        The cache holds the Dataset as JSON: reading it back is a tenth of parsing the graph.

        Raises:
            EndpointError: as ``state``; or the graph holds no genai-kg roles.
            DataError: an entity's triples do not make a valid record.
        """
        cached = self.folder / _CACHED_DATASET
        try:
            kept = json.loads(cached.read_text(encoding="utf-8"))
            if kept.get("state") == state:
                return _load_dataset(kept["tables"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not read yet, from another version, or the cache is gone: read it below
        dataset = self._read(self.ntriples())
        tables = {
            table: [entity.model_dump(mode="json") for entity in dataset.table(table).values()]
            for table in DATASET_FILES
        }
        payload = {"state": state, "tables": tables}
        atomic_write(cached, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        return dataset

    def _read(self, payload: bytes) -> Dataset:
        from rdflib import Graph

        from genai_kg.graph.read import dataset_from_graph

        graph = Graph(bind_namespaces="none")
        try:
            graph.parse(data=payload, format="nt")
        except Exception as exc:  # noqa: BLE001 -- rdflib raises several kinds for bad input
            raise EndpointError(
                f"{self.endpoint}: the graph does not read as N-Triples: {exc}"
            ) from None
        dataset = dataset_from_graph(graph)
        if not dataset.roles:
            raise EndpointError(
                f"the graph <{self.graph}> on {self.endpoint} holds no genai-kg roles: "
                "is it the graph genai-kg push wrote?"
            )
        return dataset

    def built(self, state: str) -> Built:
        """Return the Dataset with its graph as ``build`` makes it (what ``show`` reads).

        The graph is the one ``build_graph`` makes of what was read, as on the embedded store:
        triples about anything else on the store do not show up.

        Raises:
            EndpointError, DataError: as ``dataset``.
        """
        from genai_kg.graph.build import Built
        from genai_kg.graph.rdf import build_graph

        dataset = self.dataset(state)
        return Built(root=Path(self.endpoint), dataset=dataset, graph=build_graph(dataset))


def _load_dataset(tables: dict[str, list[dict[str, Any]]]) -> Dataset:
    """The Dataset kept as JSON by ``RemoteGraph.dataset`` (each record checked again)."""
    from genai_kg.dataset.models import MODELS, Dataset

    dataset = Dataset()
    for table in DATASET_FILES:
        model = MODELS[table]
        for record in tables[table]:
            entity = model.model_validate(record)
            dataset.table(table)[record["id"]] = entity
    return dataset
