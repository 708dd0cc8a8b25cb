"""The web server: a thin Flask layer over kg (routes parse the request, call kg, shape the
response). ``create_app`` builds it; ``serve`` runs it under granian or gunicorn (or Flask's
development server with ``debug``).

Import from the submodules (``server.app``, ``server.serve``) in code that may run where a
``tests/server`` folder shadows this package (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

from server.app import create_app
from server.serve import serve

__all__ = ["create_app", "serve"]
