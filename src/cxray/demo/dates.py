"""The demo's analysis date, defined once for every profile and its campaign files."""

import datetime as dt

DEFAULT_AS_OF = dt.date(2026, 10, 31)
"""The last day of a generated history when none is given (fixed, never "today", so output is
reproducible); the demo's campaign files are written for it."""
