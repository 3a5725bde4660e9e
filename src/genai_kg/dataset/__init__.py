"""YAML -> a checked ``Dataset``: reading files with their lines, models, checks, name lookup.

``load`` reads the YAML with file and line of every value, ``models`` holds the pydantic models,
``checks`` validates records into a Dataset (every problem at once), ``resolve`` finds an
entity by id, name or alias. Nothing here knows RDF.
"""
