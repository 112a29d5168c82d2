"""Phone figures of issue 24: the floor screen on a mid-range phone, through the DevTools protocol.

Run: ``.venv/bin/python -m bench.phone_bench [--runs 5] [--lighthouse-runs 3]`` (``make
bench-phone``; ``make bench`` runs it too). Starts the app on a temporary SQLite database with
the demo data (bench/floor_bench.py's ``start_app``), signs in as the demo's floor staff member
once, and drives Debian's Chromium (/usr/bin/chromium) as a Pixel 7: 412×915 CSS px, device
scale factor 2.625, touch, a phone's user agent (SchoolFit lands a phone on the floor). Three
figures, each a median, printed in one table beside a baseline measured in the same run:

a. **Tap → entry visible in "Vandaag"**, CPU slowed 4× (``Emulation.setCPUThrottlingRate``).
   A tap on "Contact" (the one-tap action) starts the entry's write to IndexedDB and lists it
   in "Vandaag" at once as "niet verstuurd" (pending; the row goes again, said so, should the
   write fail), then redraws the list from the queue: the send waits for the undo window
   (``FLOOR_UNDO_MS``, 10 s) to close, so the confirmation a person sees is that pending row
   and the toast, never the server's answer. Measured in the page: the start is the
   ``pointerdown`` event's ``timeStamp`` (a capture listener on the document; the time the
   browser took the touch in, so any wait of the input in the main thread's queue counts too);
   the end is when the row is painted. A ``MutationObserver`` on the list sees the row inserted
   (until 05-12 the page drew the row only after the IndexedDB write, which the Event Timing
   API, stopping at the first paint after the handlers, would have missed; kept so); from
   its callback a ``requestAnimationFrame`` waits for the next frame, and a message posted from
   inside that frame's callback runs only once the frame's style, layout and paint are done —
   that moment is the end. What is not counted: the compositor's and the screen's own few ms
   after the main thread's paint, which a page cannot see. Baseline: the same page's first
   contentful paint (``performance.getEntriesByType('paint')``) under the same 4× slowdown,
   reloaded before each tap in the same session (warm: the service worker serves the shell, as
   on a phone that opened the floor screen before). Budget < 50 ms.

b. **First load on "Slow 4G"**: a fresh browser context each run (no HTTP cache, service
   workers blocked), the session cookie of the sign-in done before throttling,
   ``Network.emulateNetworkConditions`` plus the 4× CPU slowdown, then ``/vloer/``; the LCP is
   read with a buffered ``PerformanceObserver('largest-contentful-paint')`` once the page says
   it is ready (``body[data-ready]``), both through the DevTools protocol alone (Playwright's
   waiting would inject its own script into the loading page, on the phone's main thread). The
   numbers are Lighthouse 12's mobile "Slow 4G" (``mobileSlow4G``: 150 ms RTT, 1.6 Mbit/s
   down, 750 kbit/s up), in the form Lighthouse itself
   hands to this same DevTools call when it throttles for real (``--throttling-method=
   devtools``): 562.5 ms latency per request (150 ms × 3.75) and 90 % of the throughput
   (1,474.56 kbit/s down, 675 kbit/s up). DevTools throttles per request, not per packet, so it
   does not see the TCP handshake and slow start; Lighthouse's factors stand in for them. These
   are also Chrome DevTools' own "Slow 4G" preset. The unadjusted numbers (150 ms per request,
   1.6 Mbit/s, 750 kbit/s), a milder profile, are measured beside them. Baseline: the same fresh
   first load without any throttling. In turns, so the machine's load falls on all alike.
   Budget LCP < 1.5 s. Printed beside it: the LCP element (tag, text, size) and when the first
   row of "Vandaag" was painted (Element Timing: the rows' times carry ``elementtiming``), so a
   change of the LCP element cannot hide how long the list takes.

c. **Lighthouse 12** (npm, the version of bench/lighthouse/package-lock.json, installed by
   ``npm ci`` into a cache once per lock file: tests/npm_helpers.py) on ``/vloer/``, performance
   only, with its default mobile settings: Moto G Power screen, Slow 4G and 4× CPU, simulated
   (Lantern) from a real load. Signed in through ``--extra-headers`` (the session cookie). The
   score and its LCP, TBT and CLS, median of ``--lighthouse-runs`` (at least 3), with the
   opportunities Lighthouse names. Budget score ≥ 95.

Figures, not tests: nothing fails; a shared machine's load shows in the ratios less than in the
wall-clock figures, and the ``uptime`` load is printed with them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from bench.floor_bench import CHROMIUM_ARGS, PHONE_AGENT, sign_in, start_app
from tests.npm_helpers import npm_installed

CHROMIUM = "/usr/bin/chromium"
PIXEL_7: dict[str, Any] = {
    "viewport": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_AGENT,
}
CPU_SLOWDOWN = 4
# Lighthouse 12's mobileSlow4G as applied through DevTools (see the module's docstring).
RTT_MS = 150
DEVTOOLS_RTT_FACTOR = 3.75
DEVTOOLS_THROUGHPUT_FACTOR = 0.9
SLOW_4G = {
    "offline": False,
    "latency": RTT_MS * DEVTOOLS_RTT_FACTOR,
    # bytes/s, as Lighthouse computes them: kbit/s × 1024 / 8
    "downloadThroughput": 1.6 * 1024 * DEVTOOLS_THROUGHPUT_FACTOR * 1024 / 8,
    "uploadThroughput": 750 * DEVTOOLS_THROUGHPUT_FACTOR * 1024 / 8,
}
# The same numbers unadjusted (150 ms, 1.6 Mbit/s, 750 kbit/s): a milder profile, printed beside.
SLOW_4G_RAW = {
    "offline": False,
    "latency": RTT_MS,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
TAP_BUDGET_MS = 50.0
LCP_BUDGET_MS = 1500.0
SCORE_BUDGET = 95.0
LIGHTHOUSE_SOURCE = Path(__file__).resolve().parent / "lighthouse"


# --- pure helpers: figures, the table, Lighthouse's report -------------------------------------


@dataclass
class Row:
    """One line of the table: a figure's runs, the same run's baseline, and its budget."""

    label: str
    unit: str
    values: list[float]
    baseline_label: str = ""
    baselines: list[float] = field(default_factory=list)
    budget: float | None = None
    higher_is_better: bool = False
    fmt: str = "{:.0f}"

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def baseline(self) -> float | None:
        return statistics.median(self.baselines) if self.baselines else None

    @property
    def ratio(self) -> float | None:
        return ratio(self.median, self.baseline)

    @property
    def met(self) -> bool | None:
        if self.budget is None or self.median is None:
            return None
        return self.median >= self.budget if self.higher_is_better else self.median < self.budget


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value`` as a multiple of ``baseline`` (None when either is missing or the baseline 0)."""
    if value is None or not baseline:
        return None
    return value / baseline


def _number(row: Row, value: float | None) -> str:
    return "–" if value is None else f"{row.fmt.format(value)} {row.unit}".strip()


def format_table(rows: list[Row]) -> str:
    """The figures as a Markdown table: median, baseline, ratio, budget, met/missed."""
    lines = [
        "| figure | median | baseline (same run) | ratio | budget | met? |",
        "|---|---:|---|---:|---|---|",
    ]
    for row in rows:
        baseline = "–"
        if row.baseline is not None:
            baseline = f"{_number(row, row.baseline)} ({row.baseline_label})"
        share = "–" if row.ratio is None else f"{row.ratio:.2f}×"
        budget = "–"
        if row.budget is not None:
            budget = f"{'≥' if row.higher_is_better else '<'} {_number(row, row.budget)}"
        met = {None: "–", True: "met", False: "**missed**"}[row.met]
        runs = f" (n={len(row.values)})" if row.values else ""
        lines.append(
            f"| {row.label}{runs} | {_number(row, row.median)} | {baseline} | {share} | "
            f"{budget} | {met} |"
        )
    return "\n".join(lines)


@dataclass
class LighthouseRun:
    score: float  # 0–100
    lcp_ms: float
    tbt_ms: float
    cls: float
    fcp_ms: float
    opportunities: list[tuple[str, float]]  # (title, estimated saving in ms), largest first


def parse_lighthouse(report: dict[str, Any]) -> LighthouseRun:
    """The figures of one Lighthouse JSON report (``--output=json``)."""
    audits = report["audits"]
    score = report["categories"]["performance"]["score"]
    if score is None:  # Lighthouse gives no score when the page failed to load
        raise ValueError(f"Lighthouse scored nothing: {report.get('runtimeError')}")
    opportunities = [
        (audit["title"], float(audit["details"]["overallSavingsMs"]))
        for audit in audits.values()
        if (audit.get("details") or {}).get("type") == "opportunity"
        and (audit["details"].get("overallSavingsMs") or 0) > 0
    ]
    opportunities.sort(key=lambda item: -item[1])
    return LighthouseRun(
        score=round(score * 100, 1),
        lcp_ms=float(audits["largest-contentful-paint"]["numericValue"]),
        tbt_ms=float(audits["total-blocking-time"]["numericValue"]),
        cls=float(audits["cumulative-layout-shift"]["numericValue"]),
        fcp_ms=float(audits["first-contentful-paint"]["numericValue"]),
        opportunities=opportunities,
    )


# What nginx compresses with the gzip_types of docs/operations.md; nginx's gzip_min_length is 20.
COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)


def compressed(status: str, headers: list[tuple[str, str]], body: bytes) -> tuple[list, bytes]:
    """A response as the reverse proxy sends it: gzip (level 6) for text of 20 bytes or more."""
    kind = next((v for k, v in headers if k.lower() == "content-type"), "")
    encoded = any(k.lower() == "content-encoding" for k, _ in headers)
    if not status.startswith("200") or encoded or len(body) < 20:
        return headers, body
    if not kind.startswith(COMPRESSED_TYPES):
        return headers, body
    body = gzip.compress(body, compresslevel=6)
    kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
    extra = [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
    return [*kept, *extra, ("Vary", "Accept-Encoding")], body


def gzip_like_proxy(app: Any) -> Any:
    """WSGI middleware standing in for the reverse proxy's gzip (the app sits behind nginx,
    docs/operations.md): Werkzeug's server sends everything uncompressed."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return app(environ, start_response)  # type: ignore[no-any-return]
        answer: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer.update(status=status, headers=headers)
            return chunks.append

        body = app(environ, capture)
        try:
            chunks.extend(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers, data = compressed(answer["status"], answer["headers"], b"".join(chunks))
        start_response(answer["status"], headers)
        return [data]

    return wrapped


def cookie_header(cookies: list[dict[str, Any]], host: str) -> str:
    """A ``Cookie`` header with the cookies a browser would send to ``host``."""
    return "; ".join(
        f"{c['name']}={c['value']}" for c in cookies if c.get("domain", "").lstrip(".") == host
    )


# --- in the browser --------------------------------------------------------------------------

# Armed before the tap: resolves with the ms from the pointerdown to the row inserted (dom) and
# to the end of the frame that painted it (frame). See the module's docstring for why.
_ARM_TAP = """() => {
  const list = document.getElementById('today-list');
  const before = new Set([...list.children].map((li) => li.dataset.uuid));
  let start = null;
  let handler = null;
  document.addEventListener('pointerdown', (event) => { start = event.timeStamp; },
                            {capture: true, once: true});
  document.addEventListener('click', () => { handler = performance.now(); },
                            {capture: true, once: true});
  window.__schoolfitTap = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const row = [...list.children].find((li) => !before.has(li.dataset.uuid));
      if (!row || start === null) return;
      observer.disconnect();
      const inserted = performance.now();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({
          dom: inserted - start, frame: performance.now() - start, state: row.dataset.state,
          click: handler === null ? null : handler - start,
        });
        channel.port2.postMessage(null);
      });
    });
    observer.observe(list, {childList: true});
  });
}"""

_PAINTS = """() => Object.fromEntries(
  performance.getEntriesByType('paint').map((entry) => [entry.name, entry.startTime]))"""

# Before the page's own scripts: each LCP candidate described as it is reported, since the
# page may redraw (and so remove) the element before the figures are read.
_WATCH_LCP = """
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const el = entry.element;
    window.__schoolfitLcp = !el ? '(gone)' : el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.classList.length ? '.' + [...el.classList].join('.') : '') +
      ` "${(el.textContent || '').trim().slice(0, 24)}" ${Math.round(entry.size)} px²`;
  }
}).observe({type: 'largest-contentful-paint', buffered: true});
"""

_LCP = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    const last = entries[entries.length - 1];
    resolve({lcp: last.startTime, element: window.__schoolfitLcp || '(not seen)'});
  }).observe({type: 'largest-contentful-paint', buffered: true});
})"""

# When the first row of "Vandaag" was painted: the rows' times carry ``elementtiming`` (Element
# Timing, buffered); null when the list has no row.
_VANDAAG = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const times = list.getEntries().filter((entry) => entry.identifier === 'today-row')
      .map((entry) => entry.renderTime || entry.loadTime);
    resolve(times.length ? Math.min(...times) : null);
  }).observe({type: 'element', buffered: true});
  setTimeout(() => resolve(null), 1000);
})"""

# A fixed piece of work, timed before and after the slowdown: shows that it applies.
_BUSY = """() => {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 3e6; i++) x = (x + i * i) % 1000003;
  return performance.now() - start;
}"""


def wait_ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)


def signed_in_cookies(browser: Browser, url: str) -> list[dict[str, Any]]:
    context = browser.new_context(**PIXEL_7)
    page = context.new_page()
    sign_in(page, url)
    cookies = context.cookies()
    context.close()
    return cookies  # type: ignore[return-value]


@dataclass
class TapFigures:
    frame_ms: list[float] = field(default_factory=list)
    dom_ms: list[float] = field(default_factory=list)
    click_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)  # click handler → painted: the page's own
    fcp_ms: list[float] = field(default_factory=list)
    fp_ms: list[float] = field(default_factory=list)
    states: set[str] = field(default_factory=set)
    slowdown: float = 0.0  # the fixed work's time at 4× over its time unthrottled


def measure_taps(browser: Browser, url: str, cookies: list[Any], runs: int) -> TapFigures:
    figures = TapFigures()
    context = browser.new_context(**PIXEL_7, service_workers="allow")
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(f"{url}/vloer/")
    wait_ready(page)
    unthrottled = statistics.median(page.evaluate(_BUSY) for _ in range(3))
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    throttled = statistics.median(page.evaluate(_BUSY) for _ in range(3))
    figures.slowdown = throttled / unthrottled
    button = page.locator('.action[data-kind="contact"]')
    for _ in range(runs):
        page.reload()
        wait_ready(page)
        paints = page.evaluate(_PAINTS)
        figures.fcp_ms.append(paints["first-contentful-paint"])
        figures.fp_ms.append(paints.get("first-paint", paints["first-contentful-paint"]))
        page.wait_for_timeout(300)  # let the ready page settle, as a person's first tap would
        page.evaluate(_ARM_TAP)
        button.tap()
        result = page.evaluate("() => window.__schoolfitTap")
        figures.frame_ms.append(result["frame"])
        figures.dom_ms.append(result["dom"])
        if result["click"] is not None:
            figures.click_ms.append(result["click"])
            figures.page_ms.append(result["frame"] - result["click"])
        figures.states.add(result["state"])
    context.close()
    return figures


@dataclass
class LoadFigures:
    lcp_ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    fcp_ms: list[float] = field(default_factory=list)
    raw_lcp_ms: list[float] = field(default_factory=list)
    vandaag_ms: list[float] = field(default_factory=list)  # the list's first row painted
    elements: set[str] = field(default_factory=set)


def first_load(
    browser: Browser, url: str, cookies: list[Any], network: dict[str, Any] | None
) -> dict[str, Any]:
    """One first visit of /vloer/ in a fresh context: no cache, no service worker; with a
    ``network`` profile, the CPU slowed 4× too (None: no throttling at all)."""
    context = browser.new_context(**PIXEL_7, service_workers="block")
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_LCP})
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    # Waited for and read through the DevTools protocol alone: Playwright's own waiting and
    # evaluating first inject its script into the page, some 40 ms of the phone's main thread at
    # 4× that a trace showed landing before the list's paint (until 05-12, afternoon).
    page.goto(f"{url}/vloer/", timeout=60_000, wait_until="commit")
    deadline = time.monotonic() + 60
    while not _cdp_value(cdp, "document.body?.dataset.ready === 'true'"):
        if time.monotonic() > deadline:
            raise TimeoutError("the floor page did not get ready")
        time.sleep(0.1)
    result: dict[str, Any] = _cdp_value(cdp, f"({_LCP})()")
    result["fcp"] = _cdp_value(cdp, f"({_PAINTS})()")["first-contentful-paint"]
    result["vandaag"] = _cdp_value(cdp, f"({_VANDAAG})()")
    context.close()
    return result


def _cdp_value(cdp: Any, expression: str) -> Any:
    """``expression``'s value in the page (a promise awaited), through the DevTools protocol."""
    answer = cdp.send(
        "Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}
    )
    return answer["result"].get("value")


def measure_first_loads(browser: Browser, url: str, cookies: list[Any], runs: int) -> LoadFigures:
    figures = LoadFigures()
    for _ in range(runs):  # in turns, so the machine's load falls on both alike
        result = first_load(browser, url, cookies, SLOW_4G)
        figures.lcp_ms.append(result["lcp"])
        figures.fcp_ms.append(result["fcp"])
        if result["vandaag"] is not None:
            figures.vandaag_ms.append(result["vandaag"])
        figures.elements.add(result["element"])
        figures.raw_lcp_ms.append(first_load(browser, url, cookies, SLOW_4G_RAW)["lcp"])
        figures.baseline_ms.append(first_load(browser, url, cookies, None)["lcp"])
    return figures


def run_lighthouse(url: str, cookies: list[Any], runs: int) -> list[LighthouseRun]:
    installed = npm_installed(LIGHTHOUSE_SOURCE, "lighthouse", "lighthouse")
    cli = installed / "node_modules" / "lighthouse" / "cli" / "index.js"
    host = url.split("//", 1)[1].split(":", 1)[0]
    headers = json.dumps({"Cookie": cookie_header(cookies, host)})
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    results = []
    for _ in range(runs):
        completed = subprocess.run(
            [
                "node",
                str(cli),
                f"{url}/vloer/",
                "--only-categories=performance",
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                f"--chrome-flags={flags}",
                f"--extra-headers={headers}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        results.append(parse_lighthouse(json.loads(completed.stdout)))
    return results


# --- the run -----------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure(runs: int, lighthouse_runs: int) -> tuple[list[Row], list[str]]:
    notes = [f"load average at the start: {load_average()}"]
    with tempfile.TemporaryDirectory(prefix="schoolfit-phone-") as directory:
        url, server = start_app(Path(directory), wrap=gzip_like_proxy)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            notes.append(f"Chromium {browser.version}, {runs} runs, Pixel 7 412×915 @2.625")
            cookies = signed_in_cookies(browser, url)
            taps = measure_taps(browser, url, cookies, runs)
            loads = measure_first_loads(browser, url, cookies, runs)
            browser.close()
        scores = run_lighthouse(url, cookies, lighthouse_runs) if lighthouse_runs else []
        server.shutdown()  # type: ignore[attr-defined]
    notes.append(f"load average at the end: {load_average()}")
    fcp_label = "first contentful paint, same page, 4× CPU"
    rows = [
        Row(
            "tap → entry painted in Vandaag, 4× CPU",
            "ms",
            taps.frame_ms,
            fcp_label,
            taps.fcp_ms,
            TAP_BUDGET_MS,
        ),
        Row("… of which touch → click handler (input pipeline)", "ms", taps.click_ms),
        Row("… of which touch → row inserted (before its frame)", "ms", taps.dom_ms),
        Row("… click handler → row painted (the page's own part)", "ms", taps.page_ms),
        Row(
            "first load /vloer/, Slow 4G (DevTools) + 4× CPU: LCP",
            "ms",
            loads.lcp_ms,
            "LCP of the same first load unthrottled",
            loads.baseline_ms,
            LCP_BUDGET_MS,
        ),
        Row("first load /vloer/, Slow 4G + 4× CPU: FCP", "ms", loads.fcp_ms),
        Row("… Vandaag's first row painted (Element Timing)", "ms", loads.vandaag_ms),
        Row(
            "first load /vloer/, 150 ms unadjusted + 4× CPU: LCP",
            "ms",
            loads.raw_lcp_ms,
            "unthrottled, as above",
            loads.baseline_ms,
            LCP_BUDGET_MS,
        ),
    ]
    if scores:
        rows += [
            Row(
                "Lighthouse 12 performance (mobile)",
                "",
                [s.score for s in scores],
                budget=SCORE_BUDGET,
                higher_is_better=True,
            ),
            Row("Lighthouse LCP (simulated Slow 4G)", "ms", [s.lcp_ms for s in scores]),
            Row("Lighthouse FCP", "ms", [s.fcp_ms for s in scores]),
            Row("Lighthouse TBT", "ms", [s.tbt_ms for s in scores]),
            Row("Lighthouse CLS", "", [s.cls for s in scores], fmt="{:.3f}"),
        ]
        named = {title for s in scores for title, _ in s.opportunities}
        for title in sorted(named):
            savings = [dict(s.opportunities).get(title, 0.0) for s in scores]
            saving = statistics.median(savings)
            notes.append(f"Lighthouse opportunity: {title}, median saving {saving:.0f} ms")
    notes.append(f"CPU slowdown check: fixed work took {taps.slowdown:.1f}× as long at rate 4")
    notes.append(f"row state right after the tap: {', '.join(sorted(taps.states))}")
    notes.append(f"first paint (warm, 4× CPU) median {statistics.median(taps.fp_ms):.0f} ms")
    notes.append(f"LCP element(s) on the first load: {', '.join(sorted(loads.elements))}")
    return rows, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="taps and first loads (median)")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="Lighthouse runs (median; 0: skip)"
    )
    args = parser.parse_args(argv)
    rows, notes = measure(max(1, args.runs), max(0, args.lighthouse_runs))
    print("Phone figures (issue 24): the floor screen as a Pixel 7")
    print(format_table(rows))
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
