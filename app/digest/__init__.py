"""The team leader's daily digest: one page per location and school day (what needs action
first, the rest as counts), tension hotspots with a presence plan, and the 14:00 e-mail."""
