"""Leerlingpeiling (anonymous student pulse) and the results page with the climate-check trend.

Staff pages live under ``/peiling/``; students answer at the short public link ``/p/<code>``.
"""
