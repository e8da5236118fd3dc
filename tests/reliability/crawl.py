"""A small crawler over the web pages as one signed-in person sees them.

It starts from every URL pattern that takes no argument and follows the links each
page offers (same site, GET, not the API, not sign-out), so every list page and the
detail pages it links to are visited without a hand-kept list that falls behind.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(api/|static/|media/|accounts/sign-out|accounts/two-factor|__)")
# Links that change state only by POST are still safe to GET; these start work on GET.
SKIP_WORDS = ("sign-out", "logout", "delete")


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    body: bytes


def start_urls() -> list[str]:
    """Every routed path with no parameters (list pages, dashboards, forms)."""
    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if "<" in route or "(?P" in route or route.startswith("^"):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted({u for u in found if not SKIP.match(u) and not any(w in u for w in SKIP_WORDS)})


def crawl(client: Client, *, limit: int, per_prefix: int = 40) -> Iterator[Page]:
    """Breadth first from the start URLs; at most `per_prefix` pages under one pattern
    prefix (the first two path segments) so one long list does not use up the budget."""
    queue = deque(start_urls())
    seen = set(queue)
    per: dict[str, int] = {}
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        key = "/".join(re.sub(r"\d+", "N", url).split("/")[:4])
        if per.get(key, 0) >= per_prefix:
            continue
        per[key] = per.get(key, 0) + 1
        visited += 1
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        yield Page(url, response.status_code, content_type, body)
        if response.status_code != 200 or "text/html" not in content_type:
            continue
        for href in HREF.findall(body.decode("utf-8", "replace")):
            href = href.replace("&amp;", "&")
            path = href.split("?", 1)[0]
            if path in seen or SKIP.match(path) or any(w in path for w in SKIP_WORDS):
                continue
            seen.add(path)
            queue.append(path)
