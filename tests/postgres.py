"""A throwaway PostgreSQL server for the shared-library tests, started by the tests themselves.

The README's one test command must run them: when `MARGINALIA_TEST_POSTGRES` names a
server, it is used; otherwise Debian's `postgresql` binaries are found and a server is
started in a temporary folder on a free loopback port, and stopped at the end. `initdb`
and `pg_ctl` refuse to run as root, so as root they run as the `postgres` user (GUIDE.md
section 8). Without PostgreSQL the tests that need it are skipped with what to install,
except under CI, where the run fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_VARIABLE = "MARGINALIA_TEST_POSTGRES"
ROLE = "marginalia_test"


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Server:
    """A PostgreSQL server of this run's own, in a temporary folder: started, stopped, started again."""

    def __init__(self, settings: str = "") -> None:
        """Make its data folder (initdb) on a free loopback port; it is not started yet.

        `settings` are more server options (`-c name=value ...`).

        Raises:
            RuntimeError: If PostgreSQL is not installed or initdb fails, saying why.
        """
        binaries = _binaries()
        if binaries is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self._binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="marginalia-pg-"))
        self._data, sockets = self.folder / "data", self.folder / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(sockets, "postgres")
        self.port = _free_port()
        self._options = f"-p {self.port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off {settings}".strip()
        self.url = f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/postgres"
        self._run([str(binaries / "initdb"), "-D", str(self._data), "-U", ROLE, "--auth=trust", "-E", "UTF8"])

    def _run(self, command: list[str]) -> None:
        try:
            subprocess.run(_as_server_user(command), check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"PostgreSQL did not start: {exc.stderr or exc.stdout}") from exc

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        pg_ctl = str(self._binaries / "pg_ctl")
        self._run([pg_ctl, "-D", str(self._data), "-o", self._options, "-l", str(self.folder / "log"), "-w", "start"])

    def require_password(self, role: str) -> None:
        """Make `role` give a password over TCP, as a real group's server would (others stay trusted).

        Call it once the server runs: the server reads its access rules again at once.
        """
        rules = self._data / "pg_hba.conf"
        rules.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + rules.read_text())
        self._run([str(self._binaries / "pg_ctl"), "-D", str(self._data), "reload"])

    def stop(self) -> None:
        """Stop the server at once, as a crash or a lost network would."""
        pg_ctl = str(self._binaries / "pg_ctl")
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(self._data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def own_server() -> Iterator[Server]:
    """Start a server for this caller alone (a test that stops it), and remove it at the end."""
    server = Server()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a PostgreSQL server for this run and yield its SQLAlchemy URL (a superuser's).

    Raises:
        RuntimeError: If PostgreSQL is not installed or does not start, saying why.
    """
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield given
        return
    with own_server() as server:
        yield server.url
