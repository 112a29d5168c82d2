"""Urgent alerts (issue 23, docs/alerts.md): a safety flag, a de-escalation referred to the
team leader or a new Meldcode signal reaches its recipients within seconds by web push, and by
e-mail when it was not opened within 15 minutes. Payloads hold no student data."""
