"""The report's sections, one module each, in two halves: ``figures(...)`` reads the section's
figures from the database for :func:`app.reports.builder.build_report`, and ``present(report)``
(or ``table(report)``) lays them out as sections and tables for the page, the PDF and the CSV
files (:mod:`app.reports.presenting` puts them in report order)."""
