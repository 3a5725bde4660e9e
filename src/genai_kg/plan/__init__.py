"""The exact learning-path planner and what the ``path``, ``gap`` and ``next`` commands say.

``problem`` (the problem and its plans), ``planner`` (uniform-cost search, and the choice of
method), ``ilp`` (the HiGHS integer program), ``catalog`` (the compact course index the
commands read), ``starts`` (what FROM means: a role, an official occupation, ``-``),
``advise`` (requests -> the JSON objects of SPEC), ``ranking`` (``next``) and ``text``
(tables, Mermaid).
"""
