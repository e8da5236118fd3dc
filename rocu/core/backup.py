"""Backup and restore of the database and uploaded files, with a restore check.

A backup is a directory: the database (SQLite online-backup copy, or a pg_dump custom
archive), a copy of uploaded files, and manifest.json with row counts per table, the
audit chain's head and a SHA-256 of every file, so a restore can prove it is whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from rocu.core.errors import ApplicationError

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


def _vendor() -> str:
    return connection.vendor


def _files_dir() -> Path:
    storages: Any = settings.STORAGES
    return Path(storages["default"]["OPTIONS"]["location"])


def table_counts(conn: Any, vendor: str) -> dict[str, int]:
    """Rows per table, read straight from a DB-API connection (works on any database)."""
    cur = conn.cursor()
    if vendor == "sqlite":
        cur.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cur.fetchall()]
    counts = {}
    for table in tables:
        cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names come from the catalogue
        counts[table] = int(cur.fetchone()[0])
    return counts


def _tool(name: str) -> str:
    """The PostgreSQL client tool's full path, found once on PATH."""
    path = shutil.which(name)
    if path is None:
        raise ApplicationError(f"{name} is not installed; install the PostgreSQL client tools.")
    return path


def _audit_head(conn: Any) -> int:
    row = conn.cursor().execute("SELECT seq FROM audit_audithead WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class BackupReport:
    path: Path
    seconds: float
    bytes: int
    tables: int
    rows: int
    audit_head: int


def backup(dest: Path) -> BackupReport:
    """Write a backup into `dest` (a new or empty directory) while the service runs."""
    started = time.monotonic()
    if dest.exists() and any(dest.iterdir()):
        raise ApplicationError(f"{dest} is not empty; choose a new directory for the backup.")
    dest.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    db = settings.DATABASES["default"]
    if vendor == "sqlite":
        target = sqlite3.connect(dest / SQLITE_FILE)
        # A connection of its own reads one committed snapshot (WAL), whatever this
        # process's connection has open; the online backup API copies it page by page.
        name = str(db["NAME"])
        source = sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)
        started_wait = time.monotonic()

        def give_up_when_stuck(status: int, remaining: int, total: int) -> None:
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() - started_wait > 60:
                raise ApplicationError("The database stayed locked for a minute; try the backup again.")

        try:
            with target:
                source.backup(target, progress=give_up_when_stuck)
        finally:
            source.close()
        counts = table_counts(target, "sqlite")
        audit_head = _audit_head(target)
        target.close()
        db_file = SQLITE_FILE
    elif vendor == "postgresql":
        import psycopg

        # Count and dump from one exported snapshot, so the manifest matches the dump
        # exactly while other sessions keep writing.
        with psycopg.connect(_pg_url(db, db["NAME"])) as snap:
            snap.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = snap.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            counts = table_counts(snap, "postgresql")
            audit_head = _audit_head(snap)
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(dest / PG_FILE),
                    db["NAME"],
                ],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
            snap.execute("COMMIT")
        db_file = PG_FILE
    else:  # pragma: no cover - settings refuse other engines
        raise ApplicationError(f"Cannot back up a {vendor} database.")
    files_src = _files_dir()
    if files_src.exists():
        shutil.copytree(files_src, dest / "files")
    checksums = {str(p.relative_to(dest)): _sha256(p) for p in sorted(dest.rglob("*")) if p.is_file()}
    manifest = {
        "format": 1,
        "vendor": vendor,
        "database_file": db_file,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "tables": counts,
        "audit_head_seq": audit_head,
        "checksums": checksums,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    return BackupReport(dest, time.monotonic() - started, size, len(counts), sum(counts.values()), audit_head)


def _pg_env(db: Any) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def read_manifest(src: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise ApplicationError(f"{src} holds no readable backup manifest.") from exc
    for rel, digest in manifest.get("checksums", {}).items():
        path = src / rel
        if not path.is_file() or _sha256(path) != digest:
            raise ApplicationError(f"Backup file {rel} is missing or does not match its checksum.")
    return manifest


@dataclass
class RestoreCheck:
    ok: bool
    seconds: float
    problems: list[str] = field(default_factory=list)
    verify_output: str = ""


def restore_check(src: Path) -> RestoreCheck:
    """Load the backup into a fresh database, verify the audit chain, compare row counts."""
    started = time.monotonic()
    manifest = read_manifest(src)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rocu-restore-check-") as tmp:
        env = dict(os.environ, ROCU_DATA_DIR=tmp)
        if manifest["vendor"] == "sqlite":
            db_path = Path(tmp) / "restored.sqlite3"
            shutil.copyfile(src / SQLITE_FILE, db_path)
            env["DATABASE_URL"] = f"sqlite:///{db_path}"
            conn: Any = sqlite3.connect(db_path)
            counts = table_counts(conn, "sqlite")
            conn.close()
            drop = None
        else:
            import psycopg

            db = settings.DATABASES["default"]
            name = f"rocu_restore_check_{os.getpid()}"
            admin_url = _pg_url(db, "postgres")
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
            subprocess.run(  # noqa: S603
                [_tool("pg_restore"), "--no-owner", "--dbname", name, str(src / PG_FILE)],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
            env["DATABASE_URL"] = _pg_url(db, name)
            with psycopg.connect(env["DATABASE_URL"]) as conn:
                counts = table_counts(conn, "postgresql")
            drop = (admin_url, name)
        for table, expected in manifest["tables"].items():
            got = counts.get(table)
            if got != expected:
                problems.append(f"table {table}: {got} rows restored, {expected} in the backup")
        verify = subprocess.run(
            [sys.executable, "-m", "rocu.cli", "audit", "verify"],
            env=env,
            capture_output=True,
            text=True,
        )
        if verify.returncode != 0:
            problems.append("audit chain: " + (verify.stderr.strip() or verify.stdout.strip()))
        if drop is not None:
            import psycopg

            with psycopg.connect(drop[0], autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{drop[1]}"')
    return RestoreCheck(not problems, time.monotonic() - started, problems, verify.stdout.strip())


def _pg_url(db: Any, name: str) -> str:
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{user}@"
    return f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def restore(src: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the configured database (and uploaded files) with the backup."""
    manifest = read_manifest(src)
    vendor = _vendor()
    if manifest["vendor"] != vendor:
        raise ApplicationError(f"The backup is of a {manifest['vendor']} database; this service uses {vendor}.")
    from rocu.audit.models import AuditEvent

    if AuditEvent.objects.exists() and not force:
        raise ApplicationError("The database already holds data. Restore into an empty database, or pass --force.")
    db = settings.DATABASES["default"]
    if vendor == "sqlite":
        connection.close()
        source = sqlite3.connect(src / SQLITE_FILE)
        target = sqlite3.connect(db["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        connection.close()
        subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--dbname", db["NAME"], str(src / PG_FILE)],
            env=_pg_env(db),
            check=True,
            capture_output=True,
        )
    files_dst = _files_dir()
    if (src / "files").exists():
        if files_dst.exists():
            shutil.rmtree(files_dst)
        shutil.copytree(src / "files", files_dst)
    return manifest
