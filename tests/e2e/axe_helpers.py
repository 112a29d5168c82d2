"""Accessibility checks in the browser tests (docs/accessibility.md): npm's axe-core in the page,
tap target sizes, a visible focus indicator, and walking a signed-in role's pages by their links.

axe-core is installed like the OpenID provider of the single sign-on tests: ``npm ci`` of
tests/axe (the exact version of its package-lock.json) into a cache directory, once per lock
file (tests/npm_helpers.py). ``make axe-core`` (part of ``make test``) runs
``python -m tests.e2e.axe_helpers`` to fill the cache on a fresh machine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask
from playwright.sync_api import Page
from werkzeug.exceptions import HTTPException

from tests.npm_helpers import npm_installed

SOURCE = Path(__file__).resolve().parents[1] / "axe"
PHONE_SIZE = {"width": 390, "height": 844}
LAPTOP_SIZE = {"width": 1366, "height": 768}
# What the issue asks for: no violation of these impacts (axe's "moderate" and "minor" are
# reported by axe too, but do not fail the tests).
FAILING_IMPACTS = ("serious", "critical")
# WCAG 2.5.5's 44×44 CSS pixels (axe's own target-size rule checks 2.5.8's 24 px).
MIN_TARGET = 44


def installed_dir() -> Path:
    """The directory with tests/axe's packages installed (npm ci, once per lock file)."""
    return npm_installed(SOURCE, "axe-core", "axe-core")


@cache
def axe_source() -> str:
    return (installed_dir() / "node_modules" / "axe-core" / "axe.min.js").read_text("utf-8")


def load_axe(page: Page) -> None:
    """axe-core into the current document. ``page.evaluate`` runs it through the DevTools
    protocol, which the app's Content-Security-Policy (script-src 'self', no inline script)
    does not govern: the page keeps its real CSP, so the checks see the app as users do, and
    no ``bypass_csp`` context is needed (``add_script_tag`` would add an inline script, which
    the CSP rightly blocks)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())


_RUN_AXE = """async ([rules, impacts]) => {
  const options = {resultTypes: ['violations'], noHtml: true};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  else options.runOnly = {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'wcag22aa', 'best-practice']};
  const result = await window.axe.run(document, options);
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' +
      (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)),
  }));
}"""


def axe_violations(page: Page, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's serious and critical violations of the page as it is now (WCAG 2.2 A/AA and axe's
    best practices; or only ``rules``)."""
    load_axe(page)
    return page.evaluate(_RUN_AXE, [rules, list(FAILING_IMPACTS)])


def describe_violations(where: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{where}: {v['impact']} {v['id']} ({v['help']}) at " + " | ".join(v["targets"])
        for v in violations
    ]


# Interactive elements smaller than 44×44 CSS px. Exempt, as WCAG 2.5.8 exempts them:
# - inline links: a link inside a sentence, whose size the line of text sets (the "inline"
#   exception), recognised by its display (inline) and a parent with more text than the link;
# - a checkbox or radio button counts with its label (clicking the label is clicking the box);
# - what is not shown: hidden, of no size, or moved off the screen (the skip link until it has
#   the focus; it is checked then, by the focus test).
_SMALL_TARGETS = """(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   '[role=button], [role=radio], [role=tab], [role=checkbox], [role=option]';
  const label = el => (el.getAttribute('aria-label') || el.textContent || el.value || el.name ||
                       el.id || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 40);
  const path = el => {
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 3;
         node = node.parentElement) {
      parts.unshift(node.tagName.toLowerCase() +
                    (node.classList.length ? '.' + [...node.classList].join('.') : ''));
    }
    return parts.join(' > ');
  };
  const inlineText = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const parent = el.parentElement;
    return parent && (parent.textContent || '').trim().length >
                     (el.textContent || '').trim().length;
  };
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return {width: Math.max(a.right, b.right) - left, height: Math.max(a.bottom, b.bottom) - top};
  };
  const small = {};
  for (const el of document.querySelectorAll(selector)) {
    let box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || box.right <= 0 || style.visibility === 'hidden') {
      continue;
    }
    if (el.closest('[inert], [aria-hidden=true]')) continue;
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const holder of el.labels || []) box = union(box, holder.getBoundingClientRect());
    }
    if (box.width >= minimum - 0.5 && box.height >= minimum - 0.5) continue;
    if (inlineText(el)) continue;
    const key = path(el);
    small[key] = small[key] || [];
    small[key].push(`"${label(el)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return Object.entries(small).map(([key, found]) =>
    `${key} ${found[0]}` + (found.length > 1 ? ` and ${found.length - 1} more` : ''));
}"""


def small_targets(page: Page) -> list[str]:
    """Visible interactive elements smaller than 44×44 CSS px (WCAG 2.5.5), but for what WCAG
    2.5.8 exempts (inline links in a sentence); alike ones are reported once."""
    return page.evaluate(_SMALL_TARGETS, MIN_TARGET)


_FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {outline: outline || shadow, tag: el.tagName.toLowerCase(),
          name: (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '')
                .trim().replace(/\\s+/g, ' ').slice(0, 40),
          visible: box.width > 0 && box.height > 0};
}"""


def focus_problems(page: Page, where: str, *, from_top: bool, presses: int = 10) -> list[str]:
    """Tab through ``presses`` stops of the page — from its top (the skip link, the menu) or
    from the start of its main content — and each focused element must show a focus indicator
    (an outline or a box shadow, as :focus-visible gives them) and be visible."""
    page.evaluate(
        """(fromTop) => {
          document.activeElement?.blur();
          const main = document.getElementById('main');
          if (!fromTop && main) {
            if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
            main.focus();
          }
        }""",
        from_top,
    )
    problems = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_SHOWN)
        if state is None:
            break
        if not state["outline"] or not state["visible"]:
            problems.append(f'{where}: <{state["tag"]}> "{state["name"]}" shows no focus')
    return problems


def tab_to(page: Page, selector: str, presses: int = 80) -> None:
    """Press Tab until the focus is on an element matching ``selector`` (a keyboard user's way
    there); fail when it never gets there."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


_LINKS = """([html, base]) => {
  const doc = html === null ? document : new DOMParser().parseFromString(html, 'text/html');
  const absolute = href => new URL(href, base || location.href);
  const links = [...doc.querySelectorAll('a[href]')]
    .map(a => absolute(a.getAttribute('href')).href);
  for (const form of doc.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const query = new URLSearchParams(new FormData(form)).toString();
    // getAttribute: a field named "action" hides the form's own action property.
    const action = absolute(form.getAttribute('action') || base || location.href);
    links.push(action.origin + action.pathname + '?' + query);
  }
  return links;
}"""


@dataclass
class Walk:
    """Breadth-first over a signed-in role's pages by their links (``<a href>`` and GET forms as
    they stand), one URL per endpoint. A page type is checked once per walk, with whatever data
    the first link to it shows: a later role passes through pages checked already (for their
    links) and stops only at new ones."""

    app: Flask
    base_url: str
    checked: set[str] = field(default_factory=set)

    # Not pages to check: leaving the session, single sign-on hops, machine answers.
    NOT_PAGES = ("auth.logout", "static", "sso.login", "sso.logout", "sso.reauthenticate")
    DOWNLOADS = ("csv", "pdf", "ics", "json", "svg", "png")
    VISITS = 2  # per endpoint and role

    def endpoint(self, url: str) -> str | None:
        target = urlsplit(url)
        if target.netloc and target.netloc != urlsplit(self.base_url).netloc:
            return None
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, _ = adapter.match(target.path, method="GET", query_args=target.query)
        except HTTPException:
            return None
        if endpoint in self.NOT_PAGES or target.path.startswith("/api/"):
            return None
        if endpoint.startswith(("main.", "metrics.")) and endpoint not in (
            "main.index",
            "main.workplace",
        ):
            return None
        if endpoint.endswith(self.DOWNLOADS):
            return None
        return endpoint

    def pages(self, page: Page, start: str) -> Iterator[str]:
        """Go to each page type reached from ``start`` that is not checked yet, yielding its
        endpoint while the browser shows it (the caller checks it then; its links are followed
        afterwards). Pages checked already are only fetched, with the context's cookies, for
        their links: showing them costs more than the checks of a new one. An endpoint is
        followed a few times (a form's choice leads on to another page)."""
        queue = deque([urljoin(self.base_url, start)])
        queued = {queue[0]}
        visits: dict[str, int] = {}
        while queue:
            url = queue.popleft()
            endpoint = self.endpoint(url)
            if endpoint is None or visits.get(endpoint, 0) >= self.VISITS:
                continue
            visits[endpoint] = visits.get(endpoint, 0) + 1
            if endpoint in self.checked:
                fetched = page.request.get(url)
                landed = self.endpoint(fetched.url)
                kind = fetched.headers.get("content-type", "")
                if fetched.status >= 400 or landed is None or "text/html" not in kind:
                    continue
                if landed in self.checked:
                    links = page.evaluate(_LINKS, [fetched.text(), fetched.url])
                    self._follow(links, queue, queued)
                    continue
            response = page.goto(url)  # waits for "load": styles and scripts are in
            landed = self.endpoint(page.url)
            if response is None or response.status >= 400 or landed is None:
                continue
            if landed not in self.checked:
                self.checked.add(landed)
                yield landed
            self._follow(page.evaluate(_LINKS, [None, None]), queue, queued)

    @staticmethod
    def _follow(links: list[str], queue: deque[str], queued: set[str]) -> None:
        for link in links:
            link = link.split("#")[0]
            if link and link not in queued:
                queued.add(link)
                queue.append(link)


if __name__ == "__main__":
    # `make axe-core`: install axe-core into the cache now.
    print(installed_dir())
