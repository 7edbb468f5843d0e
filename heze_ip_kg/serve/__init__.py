"""``heze-ip-kg serve``: the published site on loopback, with content negotiation and SPARQL.

The server reads only what ``publish`` wrote: the site folder and the N-Triples dump. It binds
to a loopback address only — to publish on the web, put a reverse proxy in front of it
(docs/security.md says how, what the server refuses, and what each defence is tested by).

Modules: ``server`` (settings, routes, uvicorn), ``site`` (the static site and its jail),
``endpoint`` and ``protocol`` (the SPARQL Protocol and the query check), ``pool`` (fair sharing
of the query workers), ``workers``/``zygote``/``worker``/``sandbox`` (the worker processes).
The server and its dependencies load only when one of the names below is first used.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Workers are forked from one loaded store and share its memory, so more of them cost little:
# two per core, so that a short query finds one free while long ones run (at lower priority).
DEFAULT_WORKERS = max(2, min(8, 2 * (os.cpu_count() or 1)))

if TYPE_CHECKING:
    from heze_ip_kg.serve.server import Server, ServerSettings, make_server, run_server


def __getattr__(name: str) -> Any:
    if name in ("Server", "ServerSettings", "make_server", "run_server"):
        from heze_ip_kg.serve import server

        return getattr(server, name)
    raise AttributeError(name)


__all__ = ["DEFAULT_WORKERS", "Server", "ServerSettings", "make_server", "run_server"]
