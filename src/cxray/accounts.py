"""The workspace's users, their API tokens and the audit log: the store the web server signs in
against (DESIGN.md "Security").

Three tables, named with :data:`ACCOUNTS_PREFIX` (not :data:`~cxray.workspace.INTERNAL_PREFIX`),
so that a demo, which replaces the data (:meth:`~cxray.workspace.Workspace.replace_all`), keeps
the users, their tokens and the audit log; read-only SQL cannot read them
(:meth:`~cxray.workspace.Workspace.sql`):

- :data:`USERS`: login, display name, role (:data:`ROLES`), the argon2 hash of the password,
  disabled, created / updated, the failed sign-ins in a row and the time a lock ends;
- :data:`TOKENS`: token id, login, label, the SHA-256 of the token (the token itself is shown
  once and kept nowhere), created, last used, revoked;
- :data:`AUDIT`: an append-only log -- when (UTC), who (a login, ``cli:<os user>``, or None),
  an action code (:data:`ACTIONS`), its target and details as JSON codes. A password or a token
  is never written to it.

There is no default account. Every time is naive UTC; functions that depend on it take ``now``
so that tests pass their own clock. The tables are small: each change reads a table, changes its
rows and writes it back inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cxray.errors import CxrayError
from cxray.workspace import ACCOUNTS_PREFIX, Workspace

USERS = ACCOUNTS_PREFIX + "users"
TOKENS = ACCOUNTS_PREFIX + "tokens"
AUDIT = ACCOUNTS_PREFIX + "audit"

ROLES = ("admin", "analyst", "marketer", "manager", "viewer")
MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
"""Failed sign-ins in a row after which the account is locked for :data:`LOCK_TIME` (and again
after each further failure, until a sign-in succeeds or the password is changed)."""
LOCK_TIME = dt.timedelta(minutes=15)
LANGUAGE = re.compile(r"[a-z]{2}")
LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")

ACTIONS = (
    "user_added", "user_disabled", "user_enabled", "user_role_changed", "password_changed",
    "user_language_changed", "token_created", "token_revoked", "sign_in", "sign_in_failed",
    "token_refused",
)  # fmt: skip
"""The action codes of the audit log written here (the server adds its own with
:func:`record`: ``pii_viewed``, ``export_downloaded``, ``import_done``, ``task_closed``,
``task_reassigned``, ``signed_out`` ...)."""
ACTION = re.compile(r"[a-z][a-z0-9_]{0,63}")
SECRET_KEY = re.compile(r"passw|pwd|token|secret", re.IGNORECASE)
"""A ``details`` key named like this may hold a secret: :func:`record` refuses it."""
SIGN_IN_REFUSALS = ("unknown_login", "bad_password", "locked", "disabled")
TOKEN_REFUSALS = ("unknown_token", "revoked", "disabled")

USERS_SCHEMA = pa.schema(
    [
        ("login", pa.string()),
        ("name", pa.string()),
        ("role", pa.string()),
        ("password_hash", pa.string()),
        ("disabled", pa.bool_()),
        ("created_at", pa.timestamp("us")),
        ("updated_at", pa.timestamp("us")),
        ("failed_count", pa.int64()),
        ("locked_until", pa.timestamp("us")),
        ("lang", pa.string()),  # the language of the user's pages; None: the server's
    ]
)
TOKENS_SCHEMA = pa.schema(
    [
        ("token_id", pa.string()),
        ("login", pa.string()),
        ("label", pa.string()),
        ("token_hash", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("last_used_at", pa.timestamp("us")),
        ("revoked_at", pa.timestamp("us")),
    ]
)
AUDIT_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("at", pa.timestamp("us")),
        ("actor", pa.string()),
        ("action", pa.string()),
        ("target", pa.string()),
        ("details", pa.string()),
    ]
)
_SCHEMAS = {USERS: USERS_SCHEMA, TOKENS: TOKENS_SCHEMA, AUDIT: AUDIT_SCHEMA}
USER_COLUMNS = ("login", "name", "role", "disabled", "created_at", "updated_at",
                "failed_count", "locked_until", "lang")  # fmt: skip
"""What a user row shows (never the password hash)."""
TOKEN_COLUMNS = ("token_id", "login", "label", "created_at", "last_used_at", "revoked_at")
"""What a token row shows (never the token's hash)."""

HASHER = PasswordHasher()
"""argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters."""
_DUMMY_HASHES: dict[int, str] = {}  # per hasher: checked for an unknown login (see below)


def utc_now() -> dt.datetime:
    """Now in UTC, naive (as the tables store it), to the microsecond."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Check:
    """The answer to a sign-in or a token: ``user`` (the user's row, :data:`USER_COLUMNS`)
    when accepted, else ``refused``, the reason code (:data:`SIGN_IN_REFUSALS` /
    :data:`TOKEN_REFUSALS`). A server shows one message for every refusal; the audit log keeps
    the reason."""

    user: dict[str, Any] | None
    refused: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


# --- reading ---------------------------------------------------------------------------------


def _rows(ws: Workspace, name: str) -> list[dict[str, Any]]:
    return ws.table(name).to_pyarrow().to_pylist() if ws.has(name) else []


def _store(ws: Workspace, name: str, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` as the whole table ``name`` (inside the caller's transaction)."""
    data = pa.Table.from_pylist(rows, schema=_SCHEMAS[name])
    if ws.has(name):
        ws.replace(name, ibis.memtable(data))
    else:
        ws.append(name, data, _SCHEMAS[name])


def _shown(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: row.get(c) for c in columns}  # a column added since the row was stored: None


def users(ws: Workspace) -> list[dict[str, Any]]:
    """Every user (:data:`USER_COLUMNS`), by login."""
    return [_shown(r, USER_COLUMNS) for r in sorted(_rows(ws, USERS), key=lambda r: r["login"])]


def tokens(ws: Workspace, login: str | None = None) -> list[dict[str, Any]]:
    """Every token (:data:`TOKEN_COLUMNS`, with ``revoked`` true or false), oldest first; only
    those of ``login`` when given."""
    rows = sorted(_rows(ws, TOKENS), key=lambda r: (r["created_at"], r["token_id"]))
    wanted = None if login is None else normal_login(login)
    return [
        {**_shown(r, TOKEN_COLUMNS), "revoked": r["revoked_at"] is not None}
        for r in rows
        if wanted is None or r["login"] == wanted
    ]


def audit_log(
    ws: Workspace, *, action: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """The audit entries, newest first (``details`` as a dict), ``action`` only when given:
    ``limit`` of them after skipping ``offset``, and how many there are in all."""
    if limit < 1 or offset < 0:
        raise CxrayError("bad_parameter", detail="--limit must be 1 or more, --offset 0 or more")
    if not ws.has(AUDIT):
        return [], 0
    tbl = ws.table(AUDIT)
    if action is not None:
        tbl = tbl.filter(tbl.action == action)
    total = int(tbl.count().to_pyarrow().as_py())
    page = tbl.order_by(ibis.desc("seq")).limit(limit, offset=offset).to_pyarrow().to_pylist()
    return [{**r, "details": json.loads(r["details"] or "{}")} for r in page], total


# --- writing ---------------------------------------------------------------------------------


def audit(
    ws: Workspace,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append one entry to the audit log. ``details`` holds codes and numbers; never pass a
    password or a token."""
    with ws.transaction():
        seq = 1
        if ws.has(AUDIT):
            last = ws.table(AUDIT).seq.max().to_pyarrow().as_py()
            seq = (last or 0) + 1
        row = {"seq": seq, "at": now or utc_now(), "actor": actor, "action": action,
               "target": target, "details": json.dumps(details or {}, sort_keys=True)}  # fmt: skip
        ws.append(AUDIT, pa.Table.from_pylist([row], schema=AUDIT_SCHEMA), AUDIT_SCHEMA)


def record(
    ws: Workspace,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Audit an action of a consumer (the web server): ``action`` a code (lower-case letters,
    digits and ``_``), ``details`` codes and numbers. CxrayError ``bad_parameter`` for another
    action or a ``details`` key named like a password, a token or a secret, so that none reaches
    the log. Returns the entry as :func:`audit_log` shows it (without ``seq``)."""
    if not isinstance(action, str) or not ACTION.fullmatch(action):
        raise CxrayError("bad_parameter", detail=f"audit action {action!r}: a lower-case code")
    secret = [k for k in (details or {}) if SECRET_KEY.search(str(k))]
    if secret:
        raise CxrayError(
            "bad_parameter", detail=f"audit details must not hold secrets: {', '.join(secret)}"
        )
    now = now or utc_now()
    audit(ws, action, actor=actor, target=target, details=details, now=now)
    return {"at": now, "actor": actor, "action": action, "target": target,
            "details": dict(details or {})}  # fmt: skip


def normal_login(login: str) -> str:
    """A login as stored: trimmed and in lower case."""
    return login.strip().lower()


def check_password(password: str) -> None:
    """CxrayError ``password_too_short`` for a password of fewer than
    :data:`MIN_PASSWORD_LENGTH` characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CxrayError("password_too_short", n=MIN_PASSWORD_LENGTH)


def add_user(
    ws: Workspace,
    login: str,
    *,
    role: str,
    password: str,
    name: str | None = None,
    actor: str | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Add a user (CxrayError ``bad_login``, ``bad_role``, ``password_too_short``,
    ``user_exists``); returns its row (:data:`USER_COLUMNS`)."""
    login = normal_login(login)
    if not LOGIN.fullmatch(login):
        raise CxrayError("bad_login", login=login)
    if role not in ROLES:
        raise CxrayError("bad_role", role=role, known=", ".join(ROLES))
    check_password(password)
    now = now or utc_now()
    with ws.transaction():
        rows = _rows(ws, USERS)
        if any(r["login"] == login for r in rows):
            raise CxrayError("user_exists", login=login)
        row = {"login": login, "name": name or login, "role": role,
               "password_hash": HASHER.hash(password), "disabled": False, "created_at": now,
               "updated_at": now, "failed_count": 0, "locked_until": None}  # fmt: skip
        _store(ws, USERS, [*rows, row])
        audit(ws, "user_added", actor=actor, target=login, details={"role": role}, now=now)
    return _shown(row, USER_COLUMNS)


def user(ws: Workspace, login: str) -> dict[str, Any]:
    """One user's row (:data:`USER_COLUMNS`); CxrayError ``user_unknown``."""
    login = normal_login(login)
    found = [u for u in users(ws) if u["login"] == login]
    if not found:
        raise CxrayError("user_unknown", login=login)
    return found[0]


def has_admin(ws: Workspace) -> bool:
    """Whether an admin who is not disabled exists."""
    return any(u["role"] == "admin" and not u["disabled"] for u in users(ws))


def _change_user(
    ws: Workspace, login: str, change: dict[str, Any], action: str, *, actor: str | None,
    now: dt.datetime, details: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Apply ``change`` to the user ``login`` and audit ``action`` with ``details``
    (CxrayError ``user_unknown``)."""
    login = normal_login(login)
    with ws.transaction():
        rows = _rows(ws, USERS)
        found = [r for r in rows if r["login"] == login]
        if not found:
            raise CxrayError("user_unknown", login=login)
        found[0].update(change, updated_at=now)
        _store(ws, USERS, rows)
        audit(ws, action, actor=actor, target=login, details=details, now=now)
    return _shown(found[0], USER_COLUMNS)


def disable_user(
    ws: Workspace, login: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Disable a user: it can no longer sign in nor use its tokens (CxrayError
    ``user_unknown``, ``user_already_disabled``)."""
    known = {u["login"]: u for u in users(ws)}
    user = known.get(normal_login(login))
    if user is not None and user["disabled"]:
        raise CxrayError("user_already_disabled", login=user["login"])
    return _change_user(ws, login, {"disabled": True}, "user_disabled", actor=actor,
                        now=now or utc_now())  # fmt: skip


def enable_user(
    ws: Workspace, login: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Enable a disabled user again (CxrayError ``user_unknown``, ``user_not_disabled``)."""
    if not user(ws, login)["disabled"]:
        raise CxrayError("user_not_disabled", login=normal_login(login))
    return _change_user(ws, login, {"disabled": False}, "user_enabled", actor=actor,
                        now=now or utc_now())  # fmt: skip


def set_role(
    ws: Workspace, login: str, role: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Give a user another role (CxrayError ``bad_role``, ``user_unknown``); audited as
    ``user_role_changed`` with the role before and after."""
    if role not in ROLES:
        raise CxrayError("bad_role", role=role, known=", ".join(ROLES))
    details = {"role": role, "previous_role": user(ws, login)["role"]}
    return _change_user(ws, login, {"role": role}, "user_role_changed", actor=actor,
                        now=now or utc_now(), details=details)  # fmt: skip


def set_language(
    ws: Workspace, login: str, lang: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Set the language of a user's pages, a two-letter code (CxrayError ``bad_parameter``,
    ``user_unknown``); audited as ``user_language_changed``."""
    if not LANGUAGE.fullmatch(lang):
        raise CxrayError("bad_parameter", detail=f"a language is a two-letter code, not {lang!r}")
    return _change_user(ws, login, {"lang": lang}, "user_language_changed", actor=actor,
                        now=now or utc_now(), details={"lang": lang})  # fmt: skip


def set_password(
    ws: Workspace, login: str, password: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Give a user a new password, which also clears its failed sign-ins and its lock
    (CxrayError ``password_too_short``, ``user_unknown``)."""
    check_password(password)
    change = {"password_hash": HASHER.hash(password), "failed_count": 0, "locked_until": None}
    return _change_user(ws, login, change, "password_changed", actor=actor, now=now or utc_now())


def verify_password(
    ws: Workspace, login: str, password: str, *, now: dt.datetime | None = None
) -> Check:
    """Sign-in: the user when ``password`` is theirs and they may sign in, else the reason
    code. Every attempt is audited (``sign_in`` / ``sign_in_failed`` with the reason; the actor
    is the login tried when it exists). After :data:`MAX_FAILURES` failures in a row the account
    is locked for :data:`LOCK_TIME`; a locked or disabled account is refused without a look at
    the password."""
    login, now = normal_login(login), now or utc_now()
    with ws.transaction():
        rows = _rows(ws, USERS)
        found = [r for r in rows if r["login"] == login]
        user = found[0] if found else None
        reason = None
        if user is None:
            _matches(_dummy_hash(), password)  # as long as a wrong password takes
            reason = "unknown_login"
        elif user["disabled"]:
            reason = "disabled"
        elif user["locked_until"] is not None and user["locked_until"] > now:
            reason = "locked"
        elif not _matches(user["password_hash"], password):
            reason = "bad_password"
            user["failed_count"] += 1
            if user["failed_count"] >= MAX_FAILURES:
                user["locked_until"] = now + LOCK_TIME
        else:
            user["failed_count"], user["locked_until"] = 0, None
            if HASHER.check_needs_rehash(user["password_hash"]):
                user["password_hash"] = HASHER.hash(password)
        if user is not None and reason in (None, "bad_password"):
            _store(ws, USERS, rows)
        if reason is None:
            audit(ws, "sign_in", actor=login, target=login, now=now)
            return Check(_shown(user, USER_COLUMNS))
        details: dict[str, Any] = {"reason": reason}
        if user is not None:
            details["failures"] = user["failed_count"]
            if user["locked_until"] is not None and user["locked_until"] > now:
                details["locked_until"] = user["locked_until"].isoformat()
        # an unknown login is not written as typed: it may be a password typed in the wrong box
        target = login if user is not None else None
        audit(ws, "sign_in_failed", actor=None, target=target, details=details, now=now)
        return Check(None, reason)


def _dummy_hash() -> str:
    """A hash of nobody's password, made once per hasher: checking a password against it for
    an unknown login takes as long as for a known one."""
    if id(HASHER) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(HASHER)] = HASHER.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[id(HASHER)]


def _matches(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    ws: Workspace,
    login: str,
    *,
    label: str | None = None,
    actor: str | None,
    now: dt.datetime | None = None,
) -> tuple[dict[str, Any], str]:
    """A new API token for the user ``login`` (CxrayError ``user_unknown``,
    ``user_already_disabled``): its row (:data:`TOKEN_COLUMNS`) and the token itself, which is
    kept nowhere and cannot be shown again."""
    login, now = normal_login(login), now or utc_now()
    known = {u["login"]: u for u in users(ws)}
    if login not in known:
        raise CxrayError("user_unknown", login=login)
    if known[login]["disabled"]:
        raise CxrayError("user_already_disabled", login=login)
    token = secrets.token_urlsafe(32)
    row = {"token_id": "tok-" + secrets.token_hex(4), "login": login, "label": label or "",
           "token_hash": token_hash(token), "created_at": now, "last_used_at": None,
           "revoked_at": None}  # fmt: skip
    with ws.transaction():
        _store(ws, TOKENS, [*_rows(ws, TOKENS), row])
        audit(ws, "token_created", actor=actor, target=row["token_id"], details={"login": login},
              now=now)  # fmt: skip
    return {**_shown(row, TOKEN_COLUMNS), "revoked": False}, token


def revoke_token(
    ws: Workspace, token_id: str, *, actor: str | None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Revoke a token (CxrayError ``token_unknown``, ``token_already_revoked``)."""
    now = now or utc_now()
    with ws.transaction():
        rows = _rows(ws, TOKENS)
        found = [r for r in rows if r["token_id"] == token_id.strip()]
        if not found:
            raise CxrayError("token_unknown", token_id=token_id)
        row = found[0]
        if row["revoked_at"] is not None:
            raise CxrayError("token_already_revoked", token_id=token_id)
        row["revoked_at"] = now
        _store(ws, TOKENS, rows)
        audit(ws, "token_revoked", actor=actor, target=row["token_id"],
              details={"login": row["login"]}, now=now)  # fmt: skip
    return {**_shown(row, TOKEN_COLUMNS), "revoked": True}


def verify_token(ws: Workspace, token: str, *, now: dt.datetime | None = None) -> Check:
    """The user of an API token, else the reason code; notes when the token was last used. The
    token's hash is compared with every stored hash in constant time. A refusal is audited
    (``token_refused``, with the token's id when it is known, never the token)."""
    now, digest = now or utc_now(), token_hash(token)
    with ws.transaction():
        rows = _rows(ws, TOKENS)
        found = None
        for row in rows:  # no early exit: every hash is compared
            if hmac.compare_digest(row["token_hash"], digest):
                found = row
        user = None
        if found is not None:
            user = {u["login"]: u for u in users(ws)}.get(found["login"])
        reason = None
        if found is None or user is None:
            reason = "unknown_token"
        elif found["revoked_at"] is not None:
            reason = "revoked"
        elif user["disabled"]:
            reason = "disabled"
        if reason is not None:
            target = found["token_id"] if found is not None else None
            audit(ws, "token_refused", actor=None, target=target, details={"reason": reason},
                  now=now)  # fmt: skip
            return Check(None, reason)
        found["last_used_at"] = now
        _store(ws, TOKENS, rows)
        return Check(user)
