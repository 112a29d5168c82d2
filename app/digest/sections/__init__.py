"""The digest's sections, one module each: a few aggregate queries for one location and one
local day, returned as the dataclasses of :mod:`app.digest.model`. Read-only: nothing is added
to the session. :mod:`app.digest.builder` calls them in turn."""
