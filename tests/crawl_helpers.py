"""Following a signed-in user's links through the app with the Flask test client: the
reachability test and the translation test walk the same pages."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

# A phone's browser says so in its user agent; SchoolFit lands floor staff on the floor there
# (app/main/workplace.py). Headless Chromium's own agent is a desktop's.
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)
LAPTOP_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Safari/537.36"
)
MAX_PER_ENDPOINT = 3  # pages with ids: a few of each kind is enough to find their links


class Links(HTMLParser):
    """Links of a page: every ``<a href>``, and every GET form sent as it stands (its fields'
    values, checked boxes and selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self._form = (values.get("action", ""), [])
        elif self._form is None or not values.get("name") and tag != "option":
            return
        elif tag == "input":
            if values.get("type") in ("radio", "checkbox") and "checked" not in values:
                return
            self._form[1].append((values["name"], values.get("value", "")))
        elif tag == "select":
            self._select = values["name"]
        elif tag == "option" and self._select is not None and self._takes_option(values):
            fields = [(n, v) for n, v in self._form[1] if n != self._select]
            self._form = (self._form[0], [*fields, (self._select, values.get("value", ""))])

    def _takes_option(self, values: dict[str, str]) -> bool:
        """The first option of a select, or the selected one."""
        assert self._form is not None
        return "selected" in values or not any(n == self._select for n, _ in self._form[1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(f"{action.partition('?')[0]}?{urlencode(fields)}")
            self._form = None


def is_page(endpoint: str, rule: str) -> bool:
    return not (
        rule.startswith("/api/")
        or endpoint.startswith(("main.", "metrics."))
        and endpoint not in ("main.index", "main.workplace")
    )


def crawl(
    app: Flask,
    client: FlaskClient,
    user_agent: str,
    on_page: Callable[[str, str], None] | None = None,
) -> tuple[set[str], list[str]]:
    """The endpoints reached from ``/`` by links, and the pages that answered 500 on the way;
    ``on_page(url, html)`` sees every HTML page on the way."""
    adapter = app.url_map.bind("localhost")
    reached: set[str] = set()
    visits: dict[str, int] = {}
    errors: list[str] = []
    seen = {"/"}
    queue = deque(["/"])
    headers = {"User-Agent": user_agent}
    while queue:
        url = queue.popleft()
        path, _, query = url.partition("?")
        try:
            endpoint, _args = adapter.match(path, method="GET", query_args=query)
        except HTTPException:
            continue
        if endpoint in ("auth.logout", "static") or not is_page(endpoint, path):
            continue
        if visits.get(endpoint, 0) >= MAX_PER_ENDPOINT:
            continue
        visits[endpoint] = visits.get(endpoint, 0) + 1
        response = client.get(url, headers=headers)
        if response.status_code >= 500:
            errors.append(f"{url}: {response.status_code}")
            continue
        if response.status_code >= 400:
            continue
        reached.add(endpoint)
        found: list[str] = []
        if 300 <= response.status_code < 400:
            found.append(response.headers["Location"])
        elif response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            if on_page is not None:
                on_page(url, html)
            parser = Links()
            parser.feed(html)
            found += parser.links
        for link in found:
            target = urlsplit(urljoin(f"http://localhost{url}", link))
            if target.netloc not in ("", "localhost") or not target.path:
                continue
            next_url = target.path + (f"?{target.query}" if target.query else "")
            if next_url not in seen:
                seen.add(next_url)
                queue.append(next_url)
    return reached, errors
