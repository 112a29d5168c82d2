"""Periodic reports: quantitative developments and qualitative observations per location or for
the whole group, over a month, a term, a school year or chosen dates; page, PDF, CSV and a
command for scheduled reports. The blueprint is ``app.reports.routes.bp``."""
