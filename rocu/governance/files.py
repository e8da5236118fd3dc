"""Checking uploaded files by what they contain, not what they are called.

A file's type is read from its first bytes (magic numbers) and must agree with its
extension; its size is limited before it is stored; its SHA-256 is kept so a copy can
be shown to be the one uploaded.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from rocu.core.errors import StorageFull, ValidationFailed, is_storage_full

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
REPORT_MAX_BYTES = 40 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    size: int
    sha256: str


# extension -> (content type, test of the first bytes)
_PDF = ("application/pdf", lambda head: head.startswith(b"%PDF-"))
_TEXT = ("text/plain", None)
_TYPES: dict[str, tuple[str, Any]] = {
    ".pdf": _PDF,
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    ".txt": _TEXT,
    ".csv": ("text/csv", None),
}
EVIDENCE_EXTENSIONS = tuple(_TYPES)
REPORT_EXTENSIONS = (".pdf", ".txt")


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in base)[:150]


def check_upload(upload: Any, *, allowed: tuple[str, ...], max_bytes: int, field: str = "file") -> CheckedFile:
    """Read an uploaded file once, refusing it (ValidationFailed) before anything is stored."""
    if upload is None:
        raise ValidationFailed("Choose a file to upload.", field=field)
    name = _safe_name(str(getattr(upload, "name", "") or "file"))
    ext = PurePath(name).suffix.lower()
    if ext not in allowed:
        kinds = ", ".join(e.lstrip(".").upper() for e in allowed)
        raise ValidationFailed(f"The file must be one of: {kinds}.", field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationFailed(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB.", field=field)
    content = upload.read(max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
    if len(content) > max_bytes:
        raise ValidationFailed(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB.", field=field)
    if not content:
        raise ValidationFailed("The file is empty.", field=field)
    content_type, test = _TYPES[ext]
    ok = _is_text(content) if test is None else test(content[:16])
    if not ok:
        raise ValidationFailed(
            f"The file is not a real {ext.lstrip('.').upper()} file: its contents do not match its name.", field=field
        )
    return CheckedFile(
        name=name,
        content=content,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def pdf_reader(content: bytes) -> Any:
    """An open pypdf reader, or a clear refusal for an encrypted or damaged PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValidationFailed(
                "The PDF is encrypted or password-protected: upload a copy without a password.", field="file"
            )
        if len(reader.pages) == 0:
            raise ValidationFailed("The PDF has no pages.", field="file")
    except ValidationFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AssertionError, IndexError, RecursionError) as exc:
        raise ValidationFailed("The PDF is damaged and cannot be read.", field="file") from exc
    return reader


@contextmanager
def stored(field_file: FieldFile, name: str, content: bytes) -> Iterator[None]:
    """Write `content` into the file field, then run the body (the database writes).

    If the write fails part way (a full disk) the partial file is removed and the
    error is `StorageFull`; if the body fails, the written file is removed too, so a
    file is kept only with the row that points at it. The name gets a random prefix:
    the path written is then known even before the storage confirms it.
    """
    storage = field_file.storage
    planned = field_file.field.generate_filename(field_file.instance, f"{secrets.token_hex(8)}-{name}")
    existed = storage.exists(planned)
    try:
        field_file.save(planned.rsplit("/", 1)[-1], ContentFile(content), save=False)
    except OSError as exc:
        if not existed:
            _remove(storage, planned)
        if is_storage_full(exc):
            raise StorageFull() from exc
        raise
    try:
        yield
    except BaseException:
        _remove(storage, field_file.name or planned)
        raise


def _remove(storage: Any, name: str) -> None:
    try:
        if name and storage.exists(name):
            storage.delete(name)
    except OSError:
        pass  # a storage that cannot delete now leaves an orphan file, never a row without its file
