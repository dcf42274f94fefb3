"""An unexpected error (a bug) ends in one line offering ``--debug``; with it, the traceback.

Exit codes: 0 done, 1 a user error (one line), 2 a usage error typer reports (an unknown
option, a missing argument), 3 an internal error.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cxray
from cxray.cli import INTERNAL_ERROR, app


@pytest.fixture
def broken(monkeypatch):
    """The API's open raising what no check foresaw."""

    def fail(*args, **kwargs):
        raise RuntimeError("the engine fell over\nsecond line of detail")

    monkeypatch.setattr(cxray, "open", fail)


def cli(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env=env or None)


def test_an_internal_error_is_one_line_and_exit_3(broken, tmp_path):
    result = cli("-w", str(tmp_path), "status")

    assert result.exit_code == INTERNAL_ERROR == 3
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: internal error: RuntimeError: the engine fell over; run again with --debug for "
        "the details"
    ]
    assert "Traceback" not in result.output


def test_in_russian(broken, tmp_path):
    result = cli("-w", str(tmp_path), "--lang", "ru", "status")

    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "error: внутренняя ошибка: RuntimeError: the engine fell over; запустите снова с "
        "--debug, чтобы увидеть подробности"
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--debug", "status"), {}),
        (("status", "--debug"), {}),  # after the command too
        (("status",), {"CXRAY_DEBUG": "1"}),
    ],
)
def test_debug_prints_the_traceback(broken, tmp_path, args, env):
    result = cli("-w", str(tmp_path), *args, **env)

    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "RuntimeError: the engine fell over\nsecond line of detail" in result.stderr
    assert "run again with --debug" not in result.stderr


def test_user_errors_still_exit_1_and_usage_errors_2(tmp_path):
    missing = cli("-w", str(tmp_path / "none"), "status")
    unknown_option = cli("status", "--no-such-option")
    missing_argument = cli("import", "orders")

    assert missing.exit_code == 1
    assert "internal error" not in missing.stderr and len(missing.stderr.splitlines()) == 1
    assert unknown_option.exit_code == 2
    assert missing_argument.exit_code == 2
