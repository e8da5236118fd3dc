"""Checks every uploaded file passes before anything is stored: its kind and its size."""

from __future__ import annotations

from django.conf import settings

from rocu.core.errors import ValidationFailed


def check_upload(filename: str, content: bytes, *, kinds: tuple[str, ...], too_big: str) -> None:
    """Refuse a file of the wrong kind or over the upload limit, naming the field `file`.

    `kinds` are the accepted endings (".csv"); `too_big` says what to do with a larger file.
    """
    if not filename.lower().endswith(kinds):
        named = " or ".join(kinds)
        raise ValidationFailed(f"Upload a {named} file.", field="file")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(content) > limit:
        raise ValidationFailed(
            f"The file is {len(content) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB. {too_big}", field="file"
        )
