"""An invalid setting is one line on stderr naming the environment variable and what it expects,
never a secret's value, and the command exits with code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def _run(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["outbox", "status"])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def test_a_short_dashboard_secret_key_is_named_and_never_echoed(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DASHBOARD_SECRET_KEY=short says how long the key must be, without showing it."""
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", "short-secret-xyz")

    code, err, out = _run(capsys)

    assert (2, "") == (code, out)
    assert [
        "diaspora-bot: invalid setting DASHBOARD_SECRET_KEY: expected at least 32 characters"
    ] == err
    assert "short-secret-xyz" not in "\n".join(err)


def test_every_invalid_setting_is_one_line_naming_its_variable(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several mistakes give one line each, in upper case as they are set, with what is expected."""
    for name, value in {
        "TELEGRAM_RATE": "fast",
        "WHATSAPP_RATE": "-1",
        "HTTP_PORT": "80800",
        "LOG_LEVEL": "LOUD",
        "TELEGRAM_WEBHOOK": "maybe",
        "TELEGRAM_BOT_USERNAME": "1bad",
        "TRUSTED_PROXIES": "10.0.0.0/8, nowhere",
        "TIMEZONE": "Europe/Atlantis",
    }.items():
        monkeypatch.setenv(name, value)

    code, err, _ = _run(capsys)

    assert 2 == code
    assert sorted(
        [
            "diaspora-bot: invalid setting HTTP_PORT: expected a whole number from 0 to 65535"
            " (got '80800')",
            "diaspora-bot: invalid setting LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR"
            " (got 'LOUD')",
            "diaspora-bot: invalid setting TELEGRAM_BOT_USERNAME: expected the bot's username:"
            " a letter, then 4 to 31 letters, digits or _ (got '1bad')",
            "diaspora-bot: invalid setting TELEGRAM_RATE: expected a number (got 'fast')",
            "diaspora-bot: invalid setting TELEGRAM_WEBHOOK: expected true or false (got 'maybe')",
            "diaspora-bot: invalid setting TIMEZONE: expected an IANA time zone such as"
            " Europe/Podgorica (got 'Europe/Atlantis')",
            "diaspora-bot: invalid setting TRUSTED_PROXIES: expected IP addresses or networks,"
            " comma-separated (got '10.0.0.0/8, nowhere')",
            "diaspora-bot: invalid setting WHATSAPP_RATE: expected a number of at least 0"
            " (got '-1')",
        ]
    ) == sorted(err)


def test_no_secret_is_ever_shown_whatever_its_mistake(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A secret setting's value appears nowhere in the output, even when it is the mistake."""
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", "tiny-but-secret")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:token-secret")
    monkeypatch.setenv("DASHBOARD_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("TELEGRAM_RATE", "fast")

    code, err, out = _run(capsys)

    assert 2 == code
    assert 2 == len(err)
    shown = "\n".join([*err, out])
    secrets = ["tiny-but-secret", "123:token-secret", "hunter2-secret"]
    assert [] == [secret for secret in secrets if secret in shown]


def test_a_rule_across_settings_names_the_variables_it_needs(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """TELEGRAM_WEBHOOK=true without a URL and a secret says which settings it needs."""
    monkeypatch.setenv("TELEGRAM_WEBHOOK", "true")

    code, err, _ = _run(capsys)

    assert (
        2,
        [
            "diaspora-bot: invalid settings: TELEGRAM_WEBHOOK=true needs PUBLIC_BASE_URL"
            " and TELEGRAM_WEBHOOK_SECRET"
        ],
    ) == (code, err)
