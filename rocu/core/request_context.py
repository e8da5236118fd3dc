"""Where the current request came from, so services can audit without a request object."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    channel: str = "cli"  # web, api or cli


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("rocu_request", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
