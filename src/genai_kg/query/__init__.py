"""SPARQL over the graph: the safety check, named queries, the engine, formats, remote stores.

``check`` refuses what would leave the graph (SERVICE, LOAD, updates, foreign FROM),
``sparql`` holds named queries, parameters and ``run_query``, ``results`` the output
formats, ``remote`` the client of other SPARQL endpoints, ``describe`` what ``show`` and
``list`` print.
"""
