"""cxray: an X-ray of a company's customer base from its ERP / 1C / CRM exports.

Start with :func:`cxray.open` (see docs/python-api.md)::

    import cxray
    ws = cxray.open("cxray-workspace")
    ws.structure().to_dict()["key"]
"""

from typing import Any

__version__ = "0.1.0"

from cxray.api import campaign, demo, import_file, init, initiative, lint_offer, open  # noqa: E402,A004

__all__ = [
    "Result", "Session", "__version__", "campaign", "demo", "import_file", "init", "initiative",
    "lint_offer",
    "open",
]  # fmt: skip


def __getattr__(name: str) -> Any:  # Result and Session load with the engine
    if name in ("Result", "Session"):
        import cxray.api

        return getattr(cxray.api, name)
    raise AttributeError(f"module 'cxray' has no attribute {name!r}")
