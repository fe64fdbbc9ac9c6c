"""End-to-end fixtures: the REAL bot process, started as `make run` starts it, on a free port.

`make run` = `alembic upgrade head` then `python -m bot`. Here the migration runs once per test
session (the same alembic command, on a template SQLite file); every bot gets a fresh copy of it.

    async def test_something(bot_process, peer):          # a fresh bot + a connected fake QQ
        assert await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP) == "..."

    async def test_restart(bot_process, peer_factory):    # SIGKILL and restart on the same database
        bot_process.kill(); bot_process.start()
        async with peer_factory() as peer: ...
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.onebot_peer import OneBotPeer
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-secret-token"
SELF_ID = 99999
SUPERUSER = 10000
"""The superuser's QQ number in every e2e bot (SUPERUSERS)."""

pytestmark = pytest.mark.e2e


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def migrate(database_url: str) -> None:
    """`alembic upgrade head`, exactly as `make migrate` runs it."""
    env = os.environ | {"DATABASE_URL": database_url}
    subprocess.run([_bin("alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=60)


@dataclass
class BotProcess:
    """One `python -m bot` process; start/stop/kill/restart keep the same port and database."""

    database_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    token: str = TOKEN
    superusers: tuple[str, ...] = (str(SUPERUSER),)
    extra_env: dict[str, str] = field(default_factory=dict)
    module: str = "bot"
    """What `python -m` starts (benchmarks start a bare NoneBot baseline the same way)."""
    argv: list[str] | None = None
    """Another command line to start instead of `python -m <module>` (e.g. nb-cli's `nb run`)."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The reverse WebSocket a OneBot implementation connects to."""
        return f"ws://127.0.0.1:{self.port}/onebot/v11/ws"

    def env(self) -> dict[str, str]:
        """The environment `make run` would see with a .env for this test."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTEST", "YINLING_", "ONEBOT_"))}
        env |= {
            "HOST": "127.0.0.1", "PORT": str(self.port), "ONEBOT_ACCESS_TOKEN": self.token,
            "SUPERUSERS": "[" + ",".join(f'"{s}"' for s in self.superusers) + "]",
            "DATABASE_URL": self.database_url, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
        }
        return env | self.extra_env

    def start(self, timeout: float = 20.0) -> None:
        """Start `python -m bot` and return once its port accepts connections."""
        assert self.process is None, "already running"
        log = self.log_path.open("ab")
        argv = self.argv or [sys.executable, "-m", self.module]
        self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env(), start_new_session=True,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited with {self.process.returncode}:\n{self.log_tail()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"bot did not listen on port {self.port}:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Graceful shutdown (SIGTERM, as Ctrl-C or systemd would); SIGKILL if it hangs."""
        if self.process is None:
            return None
        self._signal(signal.SIGTERM)  # the group: nb run's child python too
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            code = self.process.wait()
        self.process = None
        return code

    def _signal(self, sig: int) -> None:
        """Signal the bot's process group (it may have exited already)."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever, as in a power cut (for restart tests)."""
        if self.process is not None:
            self._signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def restart(self, *, hard: bool = False) -> None:
        """Stop (or SIGKILL when hard) and start again on the same port and database."""
        self.kill() if hard else self.stop()
        self.start()

    def log_tail(self, lines: int = 60) -> str:
        """The last lines the bot printed."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def e2e_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated by the real `alembic upgrade head` (once per test session)."""
    path = tmp_path_factory.mktemp("e2e") / "template.db"
    migrate(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def bot_database(tmp_path: Path, e2e_template: Path) -> str:
    """A fresh migrated SQLite database for one bot."""
    path = tmp_path / "yinling.db"
    shutil.copy(e2e_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def bot_process(tmp_path: Path, bot_database: str) -> Iterator[BotProcess]:
    """The real bot, listening on a free port with a fresh database; stopped afterwards."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log")
    bot.start()
    try:
        yield bot
    finally:
        code = bot.stop()
        if code not in (None, 0, -signal.SIGTERM):
            print(bot.log_tail())


@pytest.fixture
async def peer_factory(bot_process: BotProcess) -> AsyncIterator[Callable[..., OneBotPeer]]:
    """Make (not yet connected) peers for this bot; any still connected are closed at the end."""
    made: list[OneBotPeer] = []

    def make(**kwargs: object) -> OneBotPeer:
        kwargs.setdefault("token", bot_process.token)
        kwargs.setdefault("self_id", SELF_ID)
        peer = OneBotPeer(bot_process.url, **kwargs)  # type: ignore[arg-type]
        made.append(peer)
        return peer

    yield make
    for peer in made:
        await peer.close()


@pytest.fixture
async def peer(peer_factory: Callable[..., OneBotPeer]) -> AsyncIterator[OneBotPeer]:
    """A fake QQ account (self id 99999) connected to the bot with the right token."""
    async with peer_factory() as connected:
        yield connected
