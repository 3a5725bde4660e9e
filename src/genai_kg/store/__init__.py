"""The embedded pyoxigraph database, kept in step with the dataset and the imports.

``database`` opens the store and refreshes its curated graph; ``replace`` swaps a named
graph without ever leaving it half written; ``snapshots`` keeps Turtle copies of the large
graphs; ``links`` checks the data's ``match`` links against the imported releases;
``occupations`` finds an official occupation, its skills and its wage by SPARQL.
"""
