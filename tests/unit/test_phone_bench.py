"""The phone benchmark's pure parts (bench/phone_bench.py): medians and ratios, the table with
met/missed, reading Lighthouse's JSON report, the cookie header, and the proxy's gzip."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from bench.phone_bench import (
    SLOW_4G,
    Row,
    compressed,
    cookie_header,
    format_table,
    parse_lighthouse,
    ratio,
)


def test_a_row_is_the_median_of_its_runs_beside_the_median_of_its_baseline() -> None:
    row = Row("tap", "ms", [70, 40, 200], "first paint", [300, 100, 200, 400], budget=50)
    assert row.median == 70
    assert row.baseline == 250
    assert row.ratio == pytest.approx(0.28)
    assert row.met is False
    assert Row("tap", "ms", [40, 49, 60], budget=50).met is True
    assert Row("tap", "ms", [50, 50, 50], budget=50).met is False  # "< 50": 50 misses
    assert Row("score", "", [95, 94, 99], budget=95, higher_is_better=True).met is True
    assert Row("score", "", [94, 94, 99], budget=95, higher_is_better=True).met is False
    assert Row("info", "ms", [1, 2]).met is None
    assert Row("nothing", "ms", [], budget=50).median is None


def test_a_ratio_needs_both_figures_and_a_baseline_above_zero() -> None:
    assert ratio(30, 60) == 0.5
    assert ratio(None, 60) is None
    assert ratio(30, None) is None
    assert ratio(30, 0) is None


def test_the_table_says_met_or_missed_and_shows_the_baseline_with_its_ratio() -> None:
    rows = [
        Row("tap", "ms", [69, 70, 80], "first paint", [400, 396, 390], budget=50),
        Row("Lighthouse", "", [100, 99, 98], budget=95, higher_is_better=True),
        Row("CLS", "", [0.028], fmt="{:.3f}"),
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].startswith("| figure | median | baseline")
    assert lines[2] == (
        "| tap (n=3) | 70 ms | 396 ms (first paint) | 0.18× | < 50 ms | **missed** |"
    )
    assert lines[3] == "| Lighthouse (n=3) | 99 | – | – | ≥ 95 | met |"
    assert lines[4] == "| CLS (n=1) | 0.028 | – | – | – | – |"


def lighthouse_report(score: float | None = 0.97) -> dict[str, Any]:
    def metric(value: float) -> dict[str, Any]:
        return {"numericValue": value}

    return {
        "categories": {"performance": {"score": score}},
        "audits": {
            "largest-contentful-paint": metric(1368.4),
            "total-blocking-time": metric(41),
            "cumulative-layout-shift": metric(0.028),
            "first-contentful-paint": metric(1182),
            "render-blocking-resources": {
                "title": "Eliminate render-blocking resources",
                "details": {"type": "opportunity", "overallSavingsMs": 150},
            },
            "uses-text-compression": {
                "title": "Enable text compression",
                "details": {"type": "opportunity", "overallSavingsMs": 570},
            },
            "unminified-css": {
                "title": "Minify CSS",
                "details": {"type": "opportunity", "overallSavingsMs": 0},
            },
            "network-requests": {"title": "Network requests", "details": {"type": "table"}},
            "viewport": {"title": "Has a viewport", "details": None},
        },
    }


def test_lighthouse_report_gives_the_score_the_metrics_and_the_opportunities() -> None:
    run = parse_lighthouse(lighthouse_report())
    assert run.score == 97
    assert (run.lcp_ms, run.tbt_ms, run.cls, run.fcp_ms) == (1368.4, 41, 0.028, 1182)
    # Only opportunities that would save something, the largest first.
    assert run.opportunities == [
        ("Enable text compression", 570),
        ("Eliminate render-blocking resources", 150),
    ]


def test_a_lighthouse_run_without_a_score_is_an_error_not_a_zero() -> None:
    report = lighthouse_report(score=None)
    report["runtimeError"] = {"code": "NO_FCP"}
    with pytest.raises(ValueError, match="NO_FCP"):
        parse_lighthouse(report)


def test_the_cookie_header_holds_the_cookies_of_that_host_only() -> None:
    cookies = [
        {"name": "session", "value": "abc", "domain": "127.0.0.1"},
        {"name": "schoolfit_werkplek", "value": "vloer", "domain": ".127.0.0.1"},
        {"name": "other", "value": "x", "domain": "example.org"},
    ]
    assert cookie_header(cookies, "127.0.0.1") == "session=abc; schoolfit_werkplek=vloer"
    assert cookie_header(cookies, "localhost") == ""


def test_the_proxy_stand_in_compresses_text_answers_only() -> None:
    css = b"body { color: black; }\n" * 50
    headers = [("Content-Type", "text/css; charset=utf-8"), ("Content-Length", str(len(css)))]
    sent, body = compressed("200 OK", headers, css)
    assert gzip.decompress(body) == css
    assert ("Content-Encoding", "gzip") in sent
    assert ("Content-Length", str(len(body))) in sent
    assert [k for k, _ in sent].count("Content-Length") == 1
    png = [("Content-Type", "image/png")]
    assert compressed("200 OK", png, b"\x89PNG" * 100) == (png, b"\x89PNG" * 100)
    assert compressed("304 NOT MODIFIED", headers, css) == (headers, css)
    assert compressed("200 OK", headers, b"tiny") == (headers, b"tiny")
    encoded = [*headers, ("Content-Encoding", "br")]
    assert compressed("200 OK", encoded, css) == (encoded, css)


def test_slow_4g_is_lighthouses_profile_as_applied_through_devtools() -> None:
    # Lighthouse 12's mobileSlow4G: 150 ms RTT × 3.75, 1.6 Mbit/s and 750 kbit/s × 0.9, in B/s.
    assert SLOW_4G["latency"] == 562.5
    assert SLOW_4G["downloadThroughput"] == pytest.approx(1474.56 * 1024 / 8)
    assert SLOW_4G["uploadThroughput"] == pytest.approx(675 * 1024 / 8)
