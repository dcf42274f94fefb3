"""Users, API tokens and the audit log through a session: ``session.accounts``
(:mod:`cxray.accounts` keeps them in the workspace).

Every change is audited with the acting login, ``actor``: the signed-in user's login on the
web, ``cli:<os user>`` from the command line; by default ``python:<os user>``. Changes and
sign-in checks need a writable session (``cxray.open(path, read_only=False)``).
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING, Any

from cxray import accounts as acc
from cxray.accounts import ROLES  # noqa: F401 - the roles, for the shells
from cxray.api.results import Result

if TYPE_CHECKING:  # pragma: no cover
    from cxray.api.base import SessionBase


def os_actor(shell: str) -> str:
    """The actor ``<shell>:<os user>`` (``cli:anna``) of a command run by a user of the
    machine."""
    return f"{shell}:{getpass.getuser()}"


class AccountsSession:
    """``session.accounts``: add, list and disable users, change a password, create, list and
    revoke API tokens, check a password or a token, and read the audit log."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def _actor(self, actor: str | None) -> str:
        return actor if actor is not None else os_actor("python")

    # --- users ---------------------------------------------------------------------------

    def users(self) -> Result:
        """Every user (login, name, role, disabled, created / updated, failed sign-ins in a
        row, locked until), by login; never a password hash."""
        rows = acc.users(self.session._ws())
        return Result("users", {"users": rows}, {"users": rows})

    def add_user(
        self,
        login: str,
        *,
        role: str,
        password: str,
        name: str | None = None,
        actor: str | None = None,
    ) -> Result:
        """Add a user with a role (admin, analyst, marketer, manager or viewer) and a password
        of 10 characters or more, hashed with argon2 (CxrayError ``bad_login``, ``bad_role``,
        ``password_too_short``, ``user_exists``)."""
        row = acc.add_user(
            self.session._writable(), login, role=role, password=password, name=name,
            actor=self._actor(actor),
        )  # fmt: skip
        return Result("user_added", {"user": row}, value=row)

    def disable_user(self, login: str, *, actor: str | None = None) -> Result:
        """Disable a user: no sign-in, no API token of theirs accepted (CxrayError
        ``user_unknown``, ``user_already_disabled``)."""
        row = acc.disable_user(self.session._writable(), login, actor=self._actor(actor))
        return Result("user_disabled", {"user": row}, value=row)

    def enable_user(self, login: str, *, actor: str | None = None) -> Result:
        """Enable a disabled user again (CxrayError ``user_unknown``, ``user_not_disabled``);
        audited as ``user_enabled``."""
        row = acc.enable_user(self.session._writable(), login, actor=self._actor(actor))
        return Result("user_enabled", {"user": row}, value=row)

    def set_role(self, login: str, role: str, *, actor: str | None = None) -> Result:
        """Give a user another role (CxrayError ``bad_role``, ``user_unknown``); audited as
        ``user_role_changed`` with ``role`` and ``previous_role``."""
        row = acc.set_role(self.session._writable(), login, role, actor=self._actor(actor))
        return Result("user_role_changed", {"user": row}, value=row)

    def user(self, login: str) -> Result:
        """One user's row, as :meth:`users` shows it (CxrayError ``user_unknown``)."""
        row = acc.user(self.session._ws(), login)
        return Result("user", {"user": row}, value=row)

    def has_admin(self) -> bool:
        """Whether an admin who is not disabled exists (the web server asks for one first)."""
        return acc.has_admin(self.session._ws())

    def set_language(self, login: str, lang: str, *, actor: str | None = None) -> Result:
        """Set the language of a user's web pages (``en`` or ``ru``); audited."""
        row = acc.set_language(self.session._writable(), login, lang, actor=self._actor(actor))
        return Result("language_changed", {"user": row}, value=row)

    def set_password(self, login: str, password: str, *, actor: str | None = None) -> Result:
        """Give a user a new password (10 characters or more), which also lifts a lock after
        failed sign-ins (CxrayError ``password_too_short``, ``user_unknown``)."""
        row = acc.set_password(self.session._writable(), login, password,
                               actor=self._actor(actor))  # fmt: skip
        return Result("password_changed", {"user": row}, value=row)

    def verify_password(
        self, login: str, password: str, *, now: dt.datetime | None = None
    ) -> Result:
        """Sign-in check (for the web server): ``{"ok": true, "user": {...}}``, or ``ok``
        false with ``refused``, the reason code (``unknown_login``, ``bad_password``,
        ``locked``, ``disabled``). Every attempt is audited; after 5 failures in a row the
        account is locked for 15 minutes. ``now``: the time in UTC (default: the clock)."""
        check = acc.verify_password(self.session._writable(), login, password, now=now)
        return _checked("sign_in", check)

    # --- tokens --------------------------------------------------------------------------

    def tokens(self, login: str | None = None) -> Result:
        """Every API token (id, login, label, created, last used, revoked), oldest first; only
        the tokens of ``login`` when given. Never a token nor its hash."""
        rows = acc.tokens(self.session._ws(), login)
        return Result("tokens", {"tokens": rows}, {"tokens": rows})

    def create_token(
        self, login: str, *, label: str | None = None, actor: str | None = None
    ) -> Result:
        """A new API token for ``login``: ``.token`` is the token itself, shown this once (only
        its SHA-256 is stored); ``.to_dict()`` holds it too, under ``token``."""
        row, token = acc.create_token(
            self.session._writable(), login, label=label, actor=self._actor(actor)
        )
        return Result("token_created", {"token": token, "token_info": row}, value=row)

    def revoke_token(self, token_id: str, *, actor: str | None = None) -> Result:
        """Revoke an API token by its id (CxrayError ``token_unknown``,
        ``token_already_revoked``)."""
        row = acc.revoke_token(self.session._writable(), token_id, actor=self._actor(actor))
        return Result("token_revoked", {"token_info": row}, value=row)

    def verify_token(self, token: str, *, now: dt.datetime | None = None) -> Result:
        """The user of an API token (for the web server), as :meth:`verify_password` answers:
        ``refused`` is ``unknown_token``, ``revoked`` or ``disabled``. A refusal is audited."""
        check = acc.verify_token(self.session._writable(), token, now=now)
        return _checked("token", check)

    # --- the audit log -------------------------------------------------------------------

    def record(
        self,
        action: str,
        *,
        actor: str | None,
        target: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Result:
        """Append an entry to the audit log for an action of the web server (``pii_viewed``,
        ``export_downloaded``, ``import_done``, ``task_closed``, ``task_reassigned``,
        ``signed_out`` ...): a lower-case code, the acting login, a target and ``details``
        (codes and numbers). CxrayError ``bad_parameter`` for a ``details`` key named like a
        password, a token or a secret: none ever reaches the log."""
        entry = acc.record(self.session._writable(), action, actor=actor, target=target,
                           details=details)  # fmt: skip
        return Result("audit_recorded", {"entry": entry}, value=entry)

    def audit(self, *, action: str | None = None, limit: int = 50, offset: int = 0) -> Result:
        """The audit log, newest first: ``limit`` entries after skipping ``offset``, only
        ``action`` when given; ``total`` counts every matching entry. Each entry: ``seq``,
        ``at`` (UTC), ``actor``, ``action``, ``target`` and ``details`` (codes)."""
        rows, total = acc.audit_log(self.session._ws(), action=action, limit=limit, offset=offset)
        payload = {"action": action, "limit": limit, "offset": offset, "total": total,
                   "entries": rows}  # fmt: skip
        return Result("audit", payload, {"entries": rows})


def _checked(kind: str, check: acc.Check) -> Result:
    payload: dict[str, Any] = {"ok": check.ok, "user": check.user, "refused": check.refused}
    return Result(kind, payload, value=check)
