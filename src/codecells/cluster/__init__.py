"""Sessions on a Ray cluster, recovered from a shared store when a host dies (docs/cluster.md).

Needs the ``codecells[ray]`` extra; nothing else in codecells imports this package.

>>> ray.init()                                                         # doctest: +SKIP
>>> cluster = Cluster(functools.partial(PostgresStore, dsn), hosts=4)  # doctest: +SKIP
>>> session = await cluster.open_session(tools, delegate=delegate)     # doctest: +SKIP
>>> cell = await session.create_pausable_cell(source)                  # doctest: +SKIP
"""

from __future__ import annotations

from .cluster import Cluster, HostLost
from .host import Host, StoreFactory
from .proxy import HOST_LOST, CellProxy, PausableCellProxy, SessionProxy

__all__ = [
    "HOST_LOST",
    "CellProxy",
    "Cluster",
    "Host",
    "HostLost",
    "PausableCellProxy",
    "SessionProxy",
    "StoreFactory",
]
