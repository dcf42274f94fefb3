"""The browser snippet ``GET /t.js`` (open to anyone: a site's pages load it): the packaged
``static/t.js`` with the workspace's settings ``web_consent`` and ``web_dnt`` written in, so that
a page asks nothing more of the server before it captures (or, without consent, does not).
Browsers keep it for a few minutes."""

from __future__ import annotations

import json
import re
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
MAX_AGE = 300  # seconds a browser keeps the snippet: a changed setting shows within minutes
# the settings object in t.js, between its two markers
_SETTINGS = re.compile(r"/\*settings\*/.*?/\*end\*/")


def snippet_text(consent: str, dnt: str) -> str:
    """The snippet's text with the settings ``web_consent`` and ``web_dnt`` written in."""
    source = files("cxray.web").joinpath("static", "t.js").read_text(encoding="utf-8")
    settings = json.dumps({"consent": consent, "dnt": dnt})
    text, found = _SETTINGS.subn(lambda _: settings, source, count=1)
    assert found == 1, "t.js holds its settings between /*settings*/ and /*end*/"
    return text


@router.get("/t.js")
def snippet(request: Request) -> Response:
    # the settings change only through this server's workspace: kept until it writes
    text = request.app.state.web.kept(("snippet",), lambda s: snippet_text(
        str(s.get_setting("web_consent")), str(s.get_setting("web_dnt"))))  # fmt: skip
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}"}
    return Response(text, media_type="application/javascript", headers=headers)
