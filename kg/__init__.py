"""newskg: English news articles in, a linked, validated, queryable knowledge graph out."""

__version__ = "0.1.0"
