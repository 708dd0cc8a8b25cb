"""Blueprints, each made by a factory that receives the dataset holder and the settings (so no
route reaches for application globals): ``site`` (landing page, dumps, documents, health),
``sparql`` (the endpoint) and ``linked_data`` (dereferencing; registered last, it owns every path
the others do not)."""
