"""``cxray serve``: open the workspace writable, refuse to start without an admin, and run the
app with uvicorn; the report of the default filters is computed in the background so the first
visitor does not wait for it."""

from __future__ import annotations

import ipaddress
import threading
from pathlib import Path

import cxray
from cxray.errors import CxrayError
from cxray.terminal import err_console, say
from cxray.texts import t


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def run_server(
    workspace: Path | str | None, *, host: str, port: int, backend: str | None = None,
    wait: float | None = None, lang: str = "en",
) -> None:  # fmt: skip
    import uvicorn

    from cxray.web.app import create_app

    url = server_url(host, port)
    cxray.api.describe_process(f"cxray serve at {url}")  # named by whoever finds it busy
    with cxray.open(workspace, backend=backend, read_only=False, wait=wait) as session:
        if not session.accounts.has_admin():
            raise CxrayError("serve_no_admin")
        if not is_loopback(host):
            err_console.print(f"[bold yellow]{t('serve_not_loopback', host=host)}[/]")
        app = create_app(session, lang=lang)
        app.state.web.open_followups()  # answers imported since the last run start their tasks
        threading.Thread(target=app.state.web.warm, daemon=True).start()
        say("serve_listening", workspace=str(session.path or backend), url=url)
        uvicorn.run(app, host=host, port=port, log_level="warning")
