"""`make console`, the README's first trial: the real bot with the real console adapter, typed into
through a pseudo-terminal, its screen read back. Nothing here builds an event by hand."""

import fcntl
import os
import pty
import re
import select
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port

pytestmark = pytest.mark.e2e

ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[a-zA-Z~]|\x1b[()][0-9A-B]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>]")
SPACING = re.compile(r"[\s│╭╮╰╯─▏▕┃]+")
FOCUS_INPUT = b"\x1f"  # ctrl+/ in the console's footer: focus the input box
ROWS, COLUMNS = 150, 160


class Terminal:
    """`python -m bot` with YINLING_ADAPTER=console on a 160×150 pseudo-terminal (tall enough for 帮助)."""

    def __init__(self, database_url: str, port: int | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YINLING_", "ONEBOT_"))}
        env |= {"YINLING_ADAPTER": "console", "DATABASE_URL": database_url,
                "TERM": "xterm-256color", "LOG_LEVEL": "WARNING", "SUPERUSERS": "[]",
                # Its own port: the dashboard server of a bot already on 8080 (a deployment, another
                # run) made this one's server fail to bind, and the console closed before it drew.
                "PORT": str(port or free_port()),
                # The pseudo-terminal's size, also where a terminal size is read first: a pytest-xdist
                # worker exports COLUMNS=80 LINES=24, and on 80×24 帮助's first lines scrolled away.
                "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                                        stdin=slave, stdout=slave, stderr=slave,
                                        start_new_session=True)
        os.close(slave)
        self.raw = b""

    def pump(self, seconds: float) -> None:
        """Read whatever the screen printed for this long."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.raw += os.read(self.master, 65536)
                except OSError:
                    return

    @property
    def screen(self) -> str:
        """Everything printed so far, escape sequences removed."""
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    @property
    def flat(self) -> str:
        """The screen without boxes, spaces and line breaks: a reply the chat box wrapped reads whole."""
        return SPACING.sub("", self.screen)

    def wait_for(self, text: str, timeout: float = 40.0) -> None:
        """Return once `text` has been printed (the whole text on one screen line)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if SPACING.sub("", text) in self.flat:
                return
            self.pump(0.1)
        raise AssertionError(f"{text!r} never appeared; screen, flattened:\n{self.flat[-1500:]}")

    def type(self, line: str) -> None:
        """Type a line key by key, as a person would, see it in the input box, and press Enter.

        Keys typed before the interface has focused its input are lost (a loaded machine starts the
        console slowly), so the line is typed again, after focusing, until it shows."""
        target = SPACING.sub("", line)
        for _attempt in range(5):
            before = self.flat.count(target)
            for char in line:
                os.write(self.master, char.encode())
                self.pump(0.02)
            end = time.monotonic() + 5
            while time.monotonic() < end and self.flat.count(target) <= before:
                self.pump(0.1)
            if self.flat.count(target) > before:
                os.write(self.master, b"\r")
                return
            os.write(self.master, b"\x15")  # ctrl+u: clear whatever half-arrived, then focus again
            os.write(self.master, FOCUS_INPUT)
            self.pump(1.0)
        raise AssertionError(f"could not type {line!r}; screen, flattened:\n{self.flat[-1500:]}")

    def close(self) -> None:
        """Stop the bot (SIGTERM, as closing the terminal would)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(bot_database: str) -> Iterator[Terminal]:
    """The console trial on a fresh migrated database, as `make console` starts it."""
    term = Terminal(bot_database)
    try:
        term.wait_for("welcome to Console", timeout=60)
        os.write(term.master, FOCUS_INPUT)
        term.pump(0.5)
        yield term
    finally:
        term.close()


def test_console_trial_as_the_readme_describes(terminal: Terminal, bot_database: str):
    """The terminal user is a superuser: 帮助, 绑定支部, 报到, a session, 签到 with an emoji."""
    terminal.type("绑定支部 测试支部")
    terminal.wait_for("本群已绑定“测试支部”。")
    terminal.type("报到 张三")
    terminal.wait_for("张三 报到成功")
    terminal.type("开始签到 学习党章")
    terminal.wait_for("学习签到开始")
    terminal.type("签到🌹")
    terminal.wait_for("张三 签到成功")
    terminal.type("帮助")
    terminal.wait_for("您的身份：管理员")
    with sqlite3.connect(Path(bot_database.split("///", 1)[1])) as conn:
        accounts = conn.execute("SELECT platform, user_id FROM chat_account").fetchall()
        signed = conn.execute("SELECT count(*) FROM attendance").fetchone()[0]
    assert accounts == [("console", "user")]
    assert signed == 1


def test_console_on_a_taken_port_says_so_and_exits(bot_database: str):
    """`make console` while another bot holds the port: a plain message and an exit, not a blank
    terminal spinning for ever (uvicorn's bind error went to the console's hidden log)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        term = Terminal(bot_database, port=holder.getsockname()[1])
        try:
            term.wait_for("已被占用", timeout=60)
            assert term.process.wait(30) != 0
        finally:
            term.close()
