"""The HTTP side: ``serve``'s read-only SPARQL endpoint (and, next, the web explorer)."""
