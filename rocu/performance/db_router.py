"""Send management-information reads to the read replica when DATABASE_REPLICA_URL is set.

Dashboards read heavily and can bear a little replication lag; every write, and every
read outside the performance pages, stays on the primary. The performance selectors ask
for the "replica" alias explicitly (`selectors.read_db`); this router keeps migrations and
writes off it and lets rows read from either alias relate to each other.
"""

from __future__ import annotations

from typing import Any


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return None  # the primary, unless a selector asks for the replica by name

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


def with_replica(databases: dict[str, Any], replica_url: str) -> tuple[dict[str, Any], list[str]]:
    """Settings helper: add the "replica" alias and this router when a replica URL is given."""
    if not replica_url:
        return databases, []
    import dj_database_url

    replica = dict(databases["default"], **dj_database_url.parse(replica_url))
    replica["TEST"] = {"MIRROR": "default"}  # tests read the replica as the primary
    return {**databases, "replica": replica}, ["rocu.performance.db_router.ReplicaRouter"]
