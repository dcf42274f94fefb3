"""Users, API tokens and the audit log (cxray.accounts; session.accounts; `cxray users`,
`cxray tokens`, `cxray audit`): argon2 password hashes, tokens shown once and stored as their
SHA-256, the lock after 5 failed sign-ins in a row, disabled users refused, every change and
sign-in audited without a password or a token, and the account tables kept through a demo."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json

import pandas as pd
import pytest
from argon2 import PasswordHasher
from conftest import d, one_line_error
from typer.testing import CliRunner

import cxray
from cxray import accounts as acc
from cxray.api.session import Session
from cxray.cli import app
from cxray.errors import CxrayError
from cxray.sql_sandbox import check_query
from cxray.workspace import ACCOUNTS_PREFIX, Workspace

runner = CliRunner()
T0 = dt.datetime(2026, 12, 1, 9, 0, 0)
PASSWORD = "correct-horse-7"
OTHER_PASSWORD = "battery-staple-9"
CLI_ACTOR = f"cli:{getpass.getuser()}"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2id with small parameters: the same algorithm, in milliseconds (the default one
    takes most of a second here)."""
    monkeypatch.setattr(acc, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def db_bytes(folder) -> bytes:
    """Every byte of every file of the workspace folder (the database, any journal)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def audit_rows(ws: Workspace) -> list[dict]:
    """The audit log oldest first, read from its table."""
    return ws.con.table(acc.AUDIT).order_by("seq").to_pyarrow().to_pylist()


def raw_user(ws: Workspace, login: str) -> dict:
    tbl = ws.con.table(acc.USERS)
    return tbl.filter(tbl.login == login).to_pyarrow().to_pylist()[0]


# --- passwords -------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2_hash(tmp_path):
    folder = tmp_path / "ws"
    with Workspace(folder, create=True) as ws:
        row = acc.add_user(ws, "Anna", role="admin", password=PASSWORD, name="Anna K", actor="t",
                           now=T0)  # fmt: skip
        assert row == {"login": "anna", "name": "Anna K", "role": "admin", "disabled": False,
                       "created_at": T0, "updated_at": T0, "failed_count": 0,
                       "locked_until": None, "lang": None}  # fmt: skip
        stored = raw_user(ws, "anna")["password_hash"]
    assert stored != PASSWORD and stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, PASSWORD)  # argon2 itself, with the hash's parameters
    assert PASSWORD.encode() not in db_bytes(folder)


def test_short_password_refused_and_nothing_stored(ws):
    with pytest.raises(CxrayError) as err:
        acc.add_user(ws, "anna", role="admin", password="x" * 9, actor="t")
    assert err.value.key == "password_too_short"
    assert str(err.value) == "the password is too short: at least 10 characters"
    assert not ws.has(acc.USERS) and not ws.has(acc.AUDIT)
    acc.add_user(ws, "anna", role="admin", password="x" * 10, actor="t")  # 10 is enough
    with pytest.raises(CxrayError, match="too short"):
        acc.set_password(ws, "anna", "123456789", actor="t")


@pytest.mark.parametrize(
    ("login", "role", "code"),
    [("ANNA ", "viewer", "user_exists"), ("bob", "boss", "bad_role"),
     ("bob smith", "viewer", "bad_login"), ("", "viewer", "bad_login")],
)  # fmt: skip
def test_bad_users_refused(ws, login, role, code):
    acc.add_user(ws, "anna", role="admin", password=PASSWORD, actor="t", now=T0)
    before = audit_rows(ws)
    with pytest.raises(CxrayError) as err:
        acc.add_user(ws, login, role=role, password=PASSWORD, actor="t")
    assert err.value.key == code
    assert [u["login"] for u in acc.users(ws)] == ["anna"]
    assert audit_rows(ws) == before


# --- sign-in ---------------------------------------------------------------------------------


def test_sign_in_accepts_the_password_and_refuses_others(ws):
    acc.add_user(ws, "anna", role="analyst", password=PASSWORD, actor="t", now=T0)
    ok = acc.verify_password(ws, " Anna", PASSWORD, now=T0)  # logins are read in lower case
    assert ok.ok and ok.refused is None and ok.user["login"] == "anna"
    assert "password_hash" not in ok.user
    assert acc.verify_password(ws, "anna", OTHER_PASSWORD, now=T0).refused == "bad_password"
    assert acc.verify_password(ws, "nobody", PASSWORD, now=T0).refused == "unknown_login"


def test_lock_after_five_failures_and_unlock_when_the_time_has_passed(ws):
    acc.add_user(ws, "anna", role="viewer", password=PASSWORD, actor="t", now=T0)
    minute = dt.timedelta(minutes=1)
    for i in range(4):
        assert acc.verify_password(ws, "anna", "wrong-password", now=T0 + i * minute).refused == (
            "bad_password"
        )
    assert raw_user(ws, "anna")["failed_count"] == 4
    assert acc.verify_password(ws, "anna", PASSWORD, now=T0 + 4 * minute).ok  # resets the count
    assert raw_user(ws, "anna")["failed_count"] == 0
    fifth = T0 + 10 * minute
    for i in range(5):  # five in a row: the fifth locks until fifth + 15 minutes
        at = fifth - (4 - i) * dt.timedelta(seconds=10)
        assert acc.verify_password(ws, "anna", "wrong-password", now=at).refused == "bad_password"
    assert raw_user(ws, "anna")["locked_until"] == dt.datetime(2026, 12, 1, 9, 25, 0)
    # locked: even the right password is refused, and the count does not grow
    almost = dt.datetime(2026, 12, 1, 9, 24, 59)
    assert acc.verify_password(ws, "anna", PASSWORD, now=almost).refused == "locked"
    assert raw_user(ws, "anna")["failed_count"] == 5
    # at 9:25 the lock has ended
    unlocked = acc.verify_password(ws, "anna", PASSWORD, now=dt.datetime(2026, 12, 1, 9, 25))
    assert unlocked.ok
    assert raw_user(ws, "anna")["failed_count"] == 0
    assert raw_user(ws, "anna")["locked_until"] is None


def test_a_new_password_lifts_the_lock(ws):
    acc.add_user(ws, "anna", role="viewer", password=PASSWORD, actor="t", now=T0)
    for _ in range(5):
        acc.verify_password(ws, "anna", "wrong-password", now=T0)
    acc.set_password(ws, "anna", OTHER_PASSWORD, actor="admin1", now=T0)
    assert acc.verify_password(ws, "anna", PASSWORD, now=T0).refused == "bad_password"
    assert acc.verify_password(ws, "anna", OTHER_PASSWORD, now=T0).ok


def test_disabled_user_refused(ws):
    acc.add_user(ws, "anna", role="viewer", password=PASSWORD, actor="t", now=T0)
    acc.disable_user(ws, "anna", actor="admin1", now=T0)
    assert acc.verify_password(ws, "anna", PASSWORD, now=T0).refused == "disabled"
    with pytest.raises(CxrayError) as err:
        acc.disable_user(ws, "anna", actor="admin1")
    assert err.value.key == "user_already_disabled"
    with pytest.raises(CxrayError) as err:
        acc.disable_user(ws, "nobody", actor="admin1")
    assert err.value.key == "user_unknown"


# --- tokens ----------------------------------------------------------------------------------


def test_token_shown_once_stored_hashed_verified_and_revoked(folder):
    with cxray.open(folder, read_only=False) as session:
        accounts = session.accounts
        accounts.add_user("anna", role="analyst", password=PASSWORD, actor="admin1")
        created = accounts.create_token("anna", label="notebook", actor="admin1")
        token = created.token
        info = created.token_info
        assert len(token) == 43  # 32 random bytes in URL-safe base64, no padding
        listed = accounts.tokens().to_dict()["tokens"]
        assert [t["token_id"] for t in listed] == [info["token_id"]]
        assert set(listed[0]) == {"token_id", "login", "label", "created_at", "last_used_at",
                                  "revoked_at", "revoked"}  # fmt: skip
        stored = session.workspace.con.table(acc.TOKENS).to_pyarrow().to_pylist()[0]
        assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
        used_at = dt.datetime(2026, 12, 2, 10, 0)
        checked = accounts.verify_token(token, now=used_at).to_dict()
        assert checked["ok"] and checked["user"]["login"] == "anna"
        assert accounts.tokens("anna").tokens[0]["last_used_at"] == used_at
        assert accounts.verify_token(token[:-1] + "x").refused == "unknown_token"
        accounts.revoke_token(info["token_id"], actor="admin1")
        assert accounts.verify_token(token).to_dict() == {
            "ok": False, "user": None, "refused": "revoked"
        }  # fmt: skip
        with pytest.raises(CxrayError) as err:
            accounts.revoke_token(info["token_id"], actor="admin1")
        assert err.value.key == "token_already_revoked"
        # a disabled user's tokens are refused too
        second = accounts.create_token("anna", actor="admin1").token
        accounts.disable_user("anna", actor="admin1")
        assert accounts.verify_token(second).refused == "disabled"
    data = db_bytes(folder)
    assert token.encode() not in data and second.encode() not in data


# --- the audit log ---------------------------------------------------------------------------


def test_every_change_and_sign_in_is_audited_without_secrets(tmp_path):
    folder = tmp_path / "ws"
    typed_as_login = "my-Password-typed-in-the-login-box"
    with Workspace(folder, create=True) as ws:
        minute = dt.timedelta(minutes=1)
        acc.add_user(ws, "anna", role="admin", password=PASSWORD, actor="cli:root", now=T0)
        acc.verify_password(ws, "anna", PASSWORD, now=T0 + minute)
        acc.verify_password(ws, "anna", OTHER_PASSWORD, now=T0 + 2 * minute)
        acc.verify_password(ws, typed_as_login, PASSWORD, now=T0 + 3 * minute)
        acc.set_password(ws, "anna", OTHER_PASSWORD, actor="anna", now=T0 + 4 * minute)
        _, token = acc.create_token(ws, "anna", label="ci", actor="anna", now=T0 + 5 * minute)
        token_id = acc.tokens(ws)[0]["token_id"]
        acc.verify_token(ws, "not-a-token", now=T0 + 6 * minute)
        acc.revoke_token(ws, token_id, actor="anna", now=T0 + 7 * minute)
        acc.disable_user(ws, "anna", actor="cli:root", now=T0 + 8 * minute)
        rows = [
            (r["at"].minute, r["actor"], r["action"], r["target"], json.loads(r["details"]))
            for r in audit_rows(ws)
        ]
    assert rows == [
        (0, "cli:root", "user_added", "anna", {"role": "admin"}),
        (1, "anna", "sign_in", "anna", {}),
        (2, None, "sign_in_failed", "anna", {"reason": "bad_password", "failures": 1}),
        (3, None, "sign_in_failed", None, {"reason": "unknown_login"}),
        (4, "anna", "password_changed", "anna", {}),
        (5, "anna", "token_created", token_id, {"login": "anna"}),
        (6, None, "token_refused", None, {"reason": "unknown_token"}),
        (7, "anna", "token_revoked", token_id, {"login": "anna"}),
        (8, "cli:root", "user_disabled", "anna", {}),
    ]
    data = db_bytes(folder)
    for secret in (PASSWORD, OTHER_PASSWORD, token, typed_as_login.lower(), "not-a-token"):
        assert secret.encode() not in data, secret


def test_audit_newest_first_filtered_and_paginated(ws):
    for i, login in enumerate(["a1", "a2", "a3"]):
        acc.add_user(ws, login, role="viewer", password=PASSWORD, actor="t",
                     now=T0 + dt.timedelta(minutes=i))  # fmt: skip
        acc.verify_password(ws, login, "wrong-password", now=T0 + dt.timedelta(minutes=i))
    session = Session(ws)  # over the fixture's workspace, which the fixture closes
    page = session.accounts.audit(limit=2, offset=1).to_dict()
    assert page["total"] == 6
    assert [(e["action"], e["target"]) for e in page["entries"]] == [
        ("user_added", "a3"), ("sign_in_failed", "a2"),
    ]  # fmt: skip
    failed = session.accounts.audit(action="sign_in_failed").to_dict()
    assert failed["total"] == 3
    assert [e["target"] for e in failed["entries"]] == ["a3", "a2", "a1"]
    assert failed["entries"][0]["details"] == {"reason": "bad_password", "failures": 1}
    with pytest.raises(CxrayError):
        session.accounts.audit(limit=0)


# --- the tables stay through a demo, and out of reach of read-only SQL ---------------------------


def test_accounts_survive_replace_all(ws):
    acc.add_user(ws, "anna", role="admin", password=PASSWORD, actor="t", now=T0)
    _, token = acc.create_token(ws, "anna", actor="t", now=T0)
    ws.set_setting("currency", "EUR")  # cxray's own "_" tables go, the accounts stay
    orders = pd.DataFrame(
        [{"order_id": "o1", "customer_id": "A", "order_date": d("2026-01-10"), "amount": 1.0}]
    )
    ws.replace_all({"orders": orders})
    assert [u["login"] for u in acc.users(ws)] == ["anna"]
    assert acc.verify_token(ws, token, now=T0).ok
    assert [r["action"] for r in audit_rows(ws)] == ["user_added", "token_created"]
    assert ws.setting("currency") is None


def test_accounts_survive_a_demo(tmp_path):
    folder = tmp_path / "ws"
    Workspace(folder, create=True).close()
    assert cli(folder, "users", "add", "anna", "--role", "admin", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    cxray.demo(workspace=folder)
    with cxray.open(folder, read_only=False) as session:
        assert session.status().to_dict()["tables"][0]["rows"] > 0  # the demo's data is there
        assert [u["login"] for u in session.accounts.users().users] == ["anna"]
        assert session.accounts.verify_password("anna", PASSWORD).ok
        assert [e["action"] for e in session.accounts.audit().entries] == ["sign_in", "user_added"]


def test_read_only_sql_cannot_read_the_account_tables(ws):
    acc.add_user(ws, "anna", role="admin", password=PASSWORD, actor="t")
    for query in (
        "SELECT * FROM cxray_users",
        "select password_hash from main.CXRAY_USERS",
        'FROM "cxray_tokens"',
        "SELECT * FROM (SELECT * FROM cxray_audit) AS a",
    ):
        with pytest.raises(CxrayError) as err:
            ws.sql(query)
        assert err.value.key == "sql_not_allowed", query
    # DuckDB's own parse of the query refuses them too (behind the check of every backend)
    with pytest.raises(CxrayError) as err:
        check_query(ws.con.con, "SELECT 1 FROM Cxray_Users", refused_prefix=ACCOUNTS_PREFIX)
    assert err.value.key == "sql_not_allowed"
    check_query(ws.con.con, "SELECT 1 FROM Cxray_Users")  # without the prefix: a plain table


# --- the CLI ---------------------------------------------------------------------------------


def cli(folder, *args: str, input: str | None = None):
    return runner.invoke(app, ["-w", str(folder), *args], input=input)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "ws"
    Workspace(path, create=True).close()
    return path


def test_cli_users(folder):
    added = cli(folder, "users", "add", "Anna", "--role", "admin", "--name", "Anna K",
                "--password-stdin", "--json", input=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    user = json.loads(added.stdout)["user"]
    assert (user["login"], user["name"], user["role"]) == ("anna", "Anna K", "admin")
    assert "password_hash" not in user and PASSWORD not in added.output
    # without --password-stdin: asked twice, hidden
    prompted = cli(folder, "users", "add", "bob", "--role", "viewer",
                   input=f"{OTHER_PASSWORD}\n{OTHER_PASSWORD}\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    assert "user bob added with the role viewer" in prompted.stdout
    assert OTHER_PASSWORD not in prompted.output  # not echoed
    listed = json.loads(cli(folder, "users", "list", "--json").stdout)
    assert [(u["login"], u["role"], u["disabled"]) for u in listed["users"]] == [
        ("anna", "admin", False), ("bob", "viewer", False),
    ]  # fmt: skip
    assert cli(folder, "users", "disable", "bob").stdout.strip() == "user bob disabled"
    changed = cli(folder, "users", "passwd", "anna", "--password-stdin", input="new-password-1\n")
    assert changed.stdout.strip() == "password of anna changed"
    with cxray.open(folder, read_only=False) as session:
        assert session.accounts.verify_password("anna", "new-password-1").ok
        assert session.accounts.verify_password("bob", OTHER_PASSWORD).refused == "disabled"
    table = cli(folder, "users", "list")
    assert table.exit_code == 0 and "Anna K" in table.stdout and "viewer" in table.stdout


def test_cli_tokens_and_audit(folder):
    cli(folder, "users", "add", "anna", "--role", "analyst", "--password-stdin", input=PASSWORD)
    created = cli(folder, "tokens", "create", "anna", "--label", "ci")
    assert created.exit_code == 0, created.output
    lines = created.stdout.strip().splitlines()
    assert lines[0].startswith("API token tok-") and lines[0].endswith(" for anna:")
    token, token_id = lines[1], lines[0].split()[2]
    assert len(token) == 43
    assert lines[2] == "Copy it now: it will not be shown again (only its hash is kept)."
    listed = cli(folder, "tokens", "list", "--json")
    tokens = json.loads(listed.stdout)["tokens"]
    assert [(t["token_id"], t["login"], t["label"], t["revoked"]) for t in tokens] == [
        (token_id, "anna", "ci", False)
    ]
    assert token not in listed.stdout and token not in cli(folder, "tokens", "list").stdout
    assert cli(folder, "tokens", "revoke", token_id).stdout.strip() == (
        f"API token {token_id} revoked"
    )
    audit = json.loads(cli(folder, "audit", "--json").stdout)
    assert audit["total"] == 3
    assert [(e["actor"], e["action"], e["target"]) for e in audit["entries"]] == [
        (CLI_ACTOR, "token_revoked", token_id),
        (CLI_ACTOR, "token_created", token_id),
        (CLI_ACTOR, "user_added", "anna"),
    ]
    russian = runner.invoke(app, ["--lang", "ru", "-w", str(folder), "audit", "--json"])
    assert json.loads(russian.stdout) == audit  # codes, the same in every language
    only = json.loads(cli(folder, "audit", "--json", "--action", "user_added").stdout)
    assert [e["action"] for e in only["entries"]] == ["user_added"]
    newest = json.loads(cli(folder, "audit", "--json", "--limit", "1").stdout)
    assert (newest["total"], len(newest["entries"]), newest["limit"]) == (3, 1, 1)
    shown = cli(folder, "audit")
    assert "Audit log, newest first (3 of 3)" in shown.stdout and "token_created" in shown.stdout
    assert token not in shown.stdout


def test_cli_errors_are_one_line_and_change_nothing(folder):
    cli(folder, "users", "add", "anna", "--role", "admin", "--password-stdin", input=PASSWORD)

    def audit_total() -> int:
        return json.loads(cli(folder, "audit", "--json").stdout)["total"]

    before = audit_total()
    cases = [
        (["users", "add", "anna", "--role", "admin", "--password-stdin"], PASSWORD,
         "user 'anna' already exists"),
        (["users", "add", "bob", "--role", "boss", "--password-stdin"], PASSWORD,
         "unknown role 'boss'; roles: admin, analyst, marketer, manager, viewer"),
        (["users", "add", "bob", "--role", "viewer", "--password-stdin"], "short",
         "the password is too short: at least 10 characters"),
        (["users", "add", "bob", "--role", "viewer"], f"{PASSWORD}\n{OTHER_PASSWORD}\n",
         "the two passwords differ; nothing was changed"),
        (["users", "disable", "bob"], None, "no user 'bob' (`cxray users list` shows them)"),
        (["users", "passwd", "anna", "--password-stdin"], "short",
         "the password is too short: at least 10 characters"),
        (["tokens", "create", "bob"], None, "no user 'bob' (`cxray users list` shows them)"),
        (["tokens", "revoke", "tok-00000000"], None,
         "no API token 'tok-00000000' (`cxray tokens list` shows them)"),
        (["audit", "--limit", "0"], None, "--limit must be 1 or more, --offset 0 or more"),
    ]  # fmt: skip
    for args, given, message in cases:
        result = cli(folder, *args, input=given)
        if "--password-stdin" in args or args[:2] == ["users", "add"] and given:
            # the prompts (not the password) may be on stdout before the error
            assert result.exit_code == 1 and result.stderr.strip() == f"error: {message}", args
        else:
            assert one_line_error(result) == message, args
    assert audit_total() == before
    ru = runner.invoke(app, ["--lang", "ru", "-w", str(folder), "users", "disable", "bob"])
    assert one_line_error(ru) == "нет пользователя 'bob' (список: `cxray users list`)"


def test_cli_needs_a_workspace(tmp_path):
    result = cli(tmp_path / "missing", "users", "list")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_cli_empty_lists(folder):
    assert cli(folder, "users", "list").stdout.strip() == (
        "no users yet: add one with `cxray users add LOGIN --role admin`"
    )
    assert cli(folder, "tokens", "list").stdout.strip() == "no API tokens"
    assert cli(folder, "audit").stdout.strip() == "the audit log is empty"
    assert json.loads(cli(folder, "users", "list", "--json").stdout) == {"users": []}
    assert json.loads(cli(folder, "audit", "--json").stdout) == {
        "action": None, "limit": 50, "offset": 0, "total": 0, "entries": []
    }  # fmt: skip


def test_language_is_set_per_user_and_audited(tmp_path):
    with Workspace(tmp_path / "ws", create=True) as ws:
        acc.add_user(ws, "anna", role="viewer", password=PASSWORD, actor="t", now=T0)
        assert acc.user(ws, "anna")["lang"] is None  # the server's language until chosen
        row = acc.set_language(ws, "anna", "ru", actor="anna", now=T0)
        assert row["lang"] == "ru" and acc.user(ws, "anna")["lang"] == "ru"
        entry = acc.audit_log(ws, limit=1)[0][0]
        assert (entry["action"], entry["target"], entry["details"]) == (
            "user_language_changed", "anna", {"lang": "ru"})  # fmt: skip
        with pytest.raises(CxrayError, match="two-letter"):
            acc.set_language(ws, "anna", "russian", actor="anna")
