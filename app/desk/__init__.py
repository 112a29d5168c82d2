"""Desk mode (11:00–14:00, laptop): the afternoon inbox, case records, conversation reports,
parent calls, home visits, the detention class and the handover to COPA.

One subpackage per subject, each with its views, forms and services (and read queries);
``app.desk.rules`` holds the pure workflow rules, ``app.desk.routes`` gathers the views.
"""
