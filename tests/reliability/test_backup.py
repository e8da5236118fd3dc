"""Backup and restore through the real CLI, on the database the suite runs on.

The suite's own test database is held in a transaction, which no second reader can
copy. So on SQLite these tests run the service on a file database in WAL mode, as it
runs in use; on the PostgreSQL leg (DATABASE_URL set) they run it on a database of its
own on the same server, which `rocu backup` dumps with pg_dump.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("backup")  # one seeded service for the module, on one worker
SERVER = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER.startswith(("postgres://", "postgresql://"))


def _database(name: str, *, drop: bool = False) -> str:
    """A database of the tests' own on the suite's PostgreSQL server: its URL."""
    import psycopg

    base = SERVER.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return f"{base}/{name}"


def rocu(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rocu.cli", *args], env=env, capture_output=True, text=True, check=check, timeout=300
    )


def _env(data: Path, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ROCU_TEST_DB_NAME")}
    env.update(ROCU_DATA_DIR=str(data), ROCU_DEMO="1")
    if ON_POSTGRES:
        env["DATABASE_URL"] = _database(database)
    return env


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    name = f"rocu_backup_test_{os.getpid()}"
    env = _env(tmp_path_factory.mktemp("rocu-service"), name)
    rocu(env, "migrate", "--no-input", "-v", "0")
    rocu(env, "seed-demo", "--quiet", "--password", "correct-horse-battery-staple")
    yield env
    if ON_POSTGRES:
        _database(name, drop=True)


def test_it_backs_up_the_database_the_service_runs_on(service, tmp_path):
    rocu(service, "backup", str(tmp_path / "bk"))
    kept = sorted(p.name for p in (tmp_path / "bk").iterdir())
    assert ("database.pgdump" in kept) == ON_POSTGRES, kept
    assert ("database.sqlite3" in kept) == (not ON_POSTGRES), kept


def test_it_writes_a_backup_whose_restore_check_passes(service, tmp_path):
    out = rocu(service, "backup", str(tmp_path / "bk")).stdout
    assert "Backup written" in out
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["tables"]["accounts_user"] > 10
    assert manifest["audit_head_seq"] == manifest["tables"]["audit_auditevent"]
    check = rocu(service, "restore", str(tmp_path / "bk"), "--check").stdout
    assert "Restore check passed" in check


def test_it_refuses_a_backup_whose_files_were_altered(service, tmp_path):
    rocu(service, "backup", str(tmp_path / "bk"))
    db_file = tmp_path / "bk" / ("database.pgdump" if ON_POSTGRES else "database.sqlite3")
    db_file.write_bytes(db_file.read_bytes()[:-10] + b"0123456789")
    result = rocu(service, "restore", str(tmp_path / "bk"), "--check", check=False)
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr


def test_it_refuses_to_back_up_into_a_directory_in_use(service, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "something").write_text("x")
    result = rocu(service, "backup", str(tmp_path / "bk"), check=False)
    assert result.returncode != 0
    assert "not empty" in result.stderr


def test_it_restores_over_a_database_only_when_forced(service, tmp_path):
    rocu(service, "backup", str(tmp_path / "bk"))
    refused = rocu(service, "restore", str(tmp_path / "bk"), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr
    forced = rocu(service, "restore", str(tmp_path / "bk"), "--force").stdout
    assert "Audit chain intact" in forced


def test_it_restores_a_backup_into_an_empty_database(service, tmp_path):
    rocu(service, "backup", str(tmp_path / "bk"))
    (tmp_path / "fresh").mkdir()
    name = f"rocu_restore_test_{os.getpid()}"
    fresh = _env(tmp_path / "fresh", name)
    try:
        rocu(fresh, "migrate", "--no-input", "-v", "0")
        restored = rocu(fresh, "restore", str(tmp_path / "bk"), "--force").stdout
        assert "Audit chain intact" in restored
    finally:
        if ON_POSTGRES:
            _database(name, drop=True)
