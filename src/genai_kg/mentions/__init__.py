"""Skills a text names: curated names and aliases and, once imported, ESCO skill labels.

``genai-kg skills FILE`` and ``--from-text FILE`` read a CV or a job ad with one
Aho-Corasick automaton (pyahocorasick) over every label, word by word:

- ``tokens``: how a line and a label become words (case folding, hyphens, plurals);
- ``matcher``: the automaton and its tables, the hits of a text (longest match wins);
- ``labels``: reading the labels from the store, the cached matcher, the answer of ``skills``.
"""
