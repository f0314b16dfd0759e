"""``diaspora-bot run`` as a real process: it serves the dashboard when no channel is configured,
keeps serving while Telegram is out of reach, chats on a terminal, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import pty
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.cli import main
from tests.conftest import ROOT
from tests.fakes.server import closed_port

PASSWORD = "correct horse battery staple"
# Starting the service (content, country names, the dashboard) takes seconds on a busy machine.
START = 60.0


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """The process's environment: nothing configured but a database in tmp_path and ``values``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "TWILIO_", "DASHBOARD_", "HTTP_"))
    }
    env.update(DATABASE_PATH=str(tmp_path / "db.sqlite3"), LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    env.update(values)
    return env


@contextmanager
def running(
    env: dict[str, str], stdin: Any = subprocess.DEVNULL, stdout: Any = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m bot run``, killed at the end if it is still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdin=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def health(port: int, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    """/healthz's body, waiting for the server to come up (and failing if the process ends)."""
    deadline = time.monotonic() + START
    while True:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"exited with {process.returncode}:\n{error}")
        try:
            answer: dict[str, Any] = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
            continue
        return answer


def stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Sends SIGTERM; the exit code and everything written to stderr."""
    process.send_signal(signal.SIGTERM)
    # Generous: on a busy machine the shutdown waits for start-up work still under way; a
    # process that never ends (a read nobody answers) is what fails.
    code = process.wait(timeout=START)
    assert process.stderr is not None
    return code, process.stderr.read().decode()


def test_run_without_channels_serves_the_dashboard_until_sigterm(tmp_path: Path) -> None:
    """No channel credentials, the dashboard on and stdin closed: the process serves the
    dashboard and /healthz, says so in one line, and ends with 0 on SIGTERM."""
    port = closed_port()
    env = environment(
        tmp_path, DASHBOARD_PASSWORD=PASSWORD, DASHBOARD_SECRET_KEY="k" * 32, HTTP_PORT=str(port)
    )
    with running(env) as process:
        channels = health(port, process)["channels"]
        signin = httpx.get(f"http://127.0.0.1:{port}/dashboard/signin")
        code, err = stop(process)

    assert {"telegram": "off", "whatsapp": "off"} == channels
    assert (200, True) == (signin.status_code, 'name="password"' in signin.text)
    assert 0 == code
    assert (
        f"serving the dashboard on http://127.0.0.1:{port}/dashboard; no channel configured" in err
    )
    assert "Traceback" not in err


def test_run_with_the_bot_api_out_of_reach_keeps_serving_until_sigterm(tmp_path: Path) -> None:
    """Telegram's server does not answer: the process does not exit but serves /healthz (telegram
    retrying) and the dashboard, logs the outage in one line, and ends with 0 on SIGTERM — no
    traceback, no unclosed session."""
    port, nowhere = closed_port(), closed_port()
    env = environment(
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{nowhere}/bot",
        DASHBOARD_PASSWORD=PASSWORD,
        DASHBOARD_SECRET_KEY="k" * 32,
        HTTP_PORT=str(port),
    )
    with running(env) as process:
        first = health(port, process)["channels"]
        time.sleep(1.5)  # a few attempts more
        later = health(port, process)["channels"]
        signin = httpx.get(f"http://127.0.0.1:{port}/dashboard/signin")
        code, err = stop(process)

    assert {"telegram": "retrying", "whatsapp": "off"} == later
    assert first["telegram"] in ("starting", "retrying")
    assert (200, 0) == (signin.status_code, code)
    assert 1 == err.count("telegram: cannot reach the Bot API")
    assert [] == [word for word in ("Traceback", "Unclosed") if word in err]
    assert "123456:TEST" not in err


def read_until(master: int, text: bytes, seconds: float = START) -> bytes:
    """Reads the terminal's output until ``text`` appears."""
    seen = b""
    deadline = time.monotonic() + seconds
    while text not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in {seen[-500:]!r}")
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
    return seen


def test_run_in_a_terminal_with_the_dashboard_chats_and_serves_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    """On a terminal, with no channel but the dashboard on, `run` opens the chat and serves the
    dashboard beside it; SIGTERM ends both at once, even while the chat waits for a line."""
    port = closed_port()
    env = environment(
        tmp_path, DASHBOARD_PASSWORD=PASSWORD, DASHBOARD_SECRET_KEY="k" * 32, HTTP_PORT=str(port)
    )
    master, terminal = pty.openpty()
    try:
        with running(env, stdin=terminal, stdout=terminal) as process:
            banner = read_until(master, b"Ctrl-D to leave")
            channels = health(port, process)["channels"]
            os.write(master, b"/help\n")
            help_text = read_until(master, b"/register")
            code, err = stop(process)
    finally:
        os.close(master)
        os.close(terminal)

    assert b"Diaspora Connect" in banner
    assert {"telegram": "off", "whatsapp": "off"} == channels
    assert b"/register" in help_text
    assert 0 == code
    assert f"dashboard on http://127.0.0.1:{port}/dashboard" in err


def test_run_in_a_terminal_without_anything_configured_opens_the_chat(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run` on a fresh machine: no credentials, no dashboard, a terminal — the chat, which
    Ctrl-D ends with 0, and no HTTP server."""
    monkeypatch.delenv("DASHBOARD_PASSWORD", raising=False)
    master, terminal = pty.openpty()
    os.write(master, b"\x04")  # Ctrl-D: the end of input, as soon as the chat reads
    try:
        with os.fdopen(os.dup(terminal), encoding="utf-8") as stdin:
            monkeypatch.setattr(sys, "stdin", stdin)
            code = main(["run"])
    finally:
        os.close(master)
        os.close(terminal)

    out = capsys.readouterr().out
    assert (0, True) == (code, out.startswith("Diaspora Connect — terminal chat"))


def test_run_on_a_port_in_use_says_so_in_one_line_and_exits(tmp_path: Path) -> None:
    """Another program holds HTTP_PORT: the service names the setting and stops with exit
    code 1 at once — no traceback, no process left hanging on the database's thread."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = environment(tmp_path, DASHBOARD_PASSWORD=PASSWORD, HTTP_PORT=str(port))
        with running(env) as process:
            _, stderr = process.communicate(timeout=START)
    said = stderr.decode()
    assert 1 == process.returncode, said
    assert "Traceback" not in said
    last = said.strip().splitlines()[-1]
    assert f"diaspora-bot: HTTP_PORT {port} on 127.0.0.1 is in use" in last
