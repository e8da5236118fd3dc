"""Backup and restore through the real CLI on a real SQLite file database.

The suite's own test database is an in-memory SQLite database held in a transaction,
which no second reader can copy; a file database in WAL mode, as the service runs, is
the thing to prove. (PostgreSQL backups use pg_dump from one exported snapshot.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def rocu(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rocu.cli", *args], env=env, capture_output=True, text=True, check=check, timeout=300
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("rocu-service")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ROCU_TEST_DB_NAME")}
    env.update(ROCU_DATA_DIR=str(data), ROCU_DEMO="1")
    rocu(env, "migrate", "--no-input", "-v", "0")
    rocu(env, "seed-demo", "--quiet", "--password", "correct-horse-battery-staple")
    return env


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
    db_file = tmp_path / "bk" / "database.sqlite3"
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
    fresh = dict(service, ROCU_DATA_DIR=str(tmp_path / "fresh"))
    Path(fresh["ROCU_DATA_DIR"]).mkdir()
    rocu(fresh, "migrate", "--no-input", "-v", "0")
    restored = rocu(fresh, "restore", str(tmp_path / "bk"), "--force").stdout
    assert "Audit chain intact" in restored
