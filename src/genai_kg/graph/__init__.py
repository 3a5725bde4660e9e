"""Dataset -> RDF: IRIs and prefixes, the rdflib graph, SHACL, the NetworkX view, exports.

``namespaces`` (plain strings, no rdflib), ``rdf`` (build_graph), ``shapes`` (SHACL),
``view`` (to_networkx), ``export`` (every export format) and ``build`` (the whole pipeline and
the ``build`` command's files). Nothing here opens the store.
"""
