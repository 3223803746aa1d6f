"""``aggregate study`` on a cluster and with a store file it cannot use: clear errors, no
traceback, no hang, the file untouched.

A scheduler address is checked before anything runs; TLS needs its certificate files; a
listener that never answers is given up on within the connect timeout. A store file that
is not a DuckDB database, holds another program's tables or is truncated is refused with
exit code 2 and left as it was; a store held by another process says so (exit code 1:
nothing is wrong with the input, it is busy).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from aggregate.cli import app
from aggregate.study.cluster import (
    SchedulerError,
    check_scheduler_address,
    probe_scheduler,
    tls_security,
)
from aggregate.study.store import Store, StoreInvalid
from tests.test_cli_study import _study
from tests.test_study_runner import OFFER

runner = CliRunner(env={"COLUMNS": "400"})  # usage errors in one line, not a wrapped box


def _flat(result: Any) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return _study(tmp_path, [{"path": f"{OFFER}.capacity", "value": 100}])


# ---------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        ("scheduler:8786", "tcp://scheduler:8786"),
        ("tls://sched.example.org:8786", "tls://sched.example.org:8786"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
        ("ucx://host:13337", "ucx://host:13337"),
        ("inproc://10.0.0.1/123/1", "inproc://10.0.0.1/123/1"),
    ],
)
def test_valid_addresses(address: str, expected: str) -> None:
    assert check_scheduler_address(address) == expected


@pytest.mark.parametrize(
    "address",
    ["garbage", "http://host:8786", "tcp://host", "tcp://host:99999", "tcp://:8786", "tcp://"],
)
def test_bad_addresses_are_refused_before_anything_runs(study: Path, address: str) -> None:
    with pytest.raises(SchedulerError):
        check_scheduler_address(address)
    result = runner.invoke(app, ["study", str(study), "--scheduler", address])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "not a Dask scheduler address" in _flat(result)
    assert not list(study.parent.glob("*.duckdb")), "a store was made for a refused address"


def test_tls_needs_its_files(study: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["study", str(study), "--scheduler", "tls://host:8786"])
    assert result.exit_code == 2, result.output
    assert "--tls-ca-file, --tls-cert, --tls-key" in _flat(result)
    result = runner.invoke(
        app, ["study", str(study), "--scheduler", "tcp://host:8786", "--tls-cert", "c.pem"]
    )
    assert result.exit_code == 2, result.output
    assert "not encrypted" in _flat(result)
    result = runner.invoke(app, ["study", str(study), "--tls-key", "k.pem"])
    assert result.exit_code == 2 and "need a tls://" in _flat(result)
    missing = [str(tmp_path / n) for n in ("ca.pem", "c.pem", "k.pem")]
    with pytest.raises(SchedulerError, match="no such file"):
        tls_security("tls://host:8786", *missing)
    assert not list(study.parent.glob("*.duckdb"))


def test_tls_security_requires_encryption(tmp_path: Path) -> None:
    files = []
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("-----BEGIN CERTIFICATE-----\n")
        files.append(tmp_path / name)
    security = tls_security("tls://host:8786", *files)
    assert security.require_encryption
    assert security.tls_ca_file == str(files[0])
    assert security.tls_client_cert == str(files[1])
    assert security.tls_client_key == str(files[2])
    assert tls_security("tcp://host:8786") is None


# ------------------------------------------------------------------ a silent scheduler


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_probe_gives_up_on_a_silent_listener(silent_listener: int) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="within 1 s"):
        probe_scheduler(f"tcp://127.0.0.1:{silent_listener}", 1.0)
    assert time.monotonic() - started < 1.0 + 5


def test_study_gives_up_on_a_silent_scheduler(study: Path, silent_listener: int) -> None:
    address = f"tcp://127.0.0.1:{silent_listener}"
    started = time.monotonic()
    result = runner.invoke(
        app, ["study", str(study), "--scheduler", address, "--connect-timeout", "2"]
    )
    seconds = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"could not connect to the Dask scheduler at {address} within 2 s" in _flat(result)
    assert seconds < 2 + 5, seconds


def test_refused_connection_is_a_message(study: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on (closed again at once)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = runner.invoke(
        app,
        ["study", str(study), "--scheduler", f"127.0.0.1:{port}", "--connect-timeout", "1"],
    )
    assert result.exit_code == 1, result.output
    assert "could not connect to the Dask scheduler" in _flat(result)


# --------------------------------------------------------------------- unusable stores


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _foreign(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    con.close()


def _truncated(path: Path) -> None:
    Store(path).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _too_short(path: Path) -> None:
    Store(path).close()
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (_random_bytes, "not a DuckDB database file"),
        (_foreign, "holding other tables (invoices)"),
        (_truncated, "truncated"),
        (_too_short, "damaged or truncated"),
    ],
    ids=["random-bytes", "foreign-duckdb", "truncated", "header-only"],
)
def test_unusable_store_is_refused_and_left_untouched(
    study: Path, tmp_path: Path, make: Any, what: str
) -> None:
    store = tmp_path / "x.duckdb"
    make(store)
    before = _digest(store)
    with pytest.raises(StoreInvalid, match=re.escape(what)):
        Store(store)
    result = runner.invoke(app, ["study", str(study), "--store", str(store)])
    text = _flat(result)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{store} is not a usable results store" in text
    assert what in text
    assert "move it away, or give the study another store path (--store)" in text
    assert "another process" not in text.lower()
    assert _digest(store) == before
    assert sorted(p.name for p in tmp_path.glob("x.duckdb*")) == ["x.duckdb"]


def test_empty_duckdb_file_becomes_a_store(tmp_path: Path) -> None:
    duckdb.connect(str(tmp_path / "new.duckdb")).close()
    with Store(tmp_path / "new.duckdb") as store:
        assert store.stored() == set()


_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


def test_store_held_by_another_process_says_so(study: Path, tmp_path: Path) -> None:
    store = tmp_path / "held.duckdb"
    Store(store).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _digest(store)
        result = runner.invoke(app, ["study", str(study), "--store", str(store)])
        text = _flat(result)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert f"cannot open the results store {store}" in text
        assert "Another process (a running study?) holds it" in text
        assert _digest(store) == before
    finally:
        holder.kill()
        holder.wait(30)
        if holder.stdout is not None:
            holder.stdout.close()


class _StoppedConnection:
    """A DuckDB connection whose insert is stopped by a signal (the handler raises
    KeyboardInterrupt while DuckDB reads the frame), after which the aborted transaction
    makes every other call fail."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.stopped = False

    def execute(self, sql: str, *args: Any) -> Any:
        if self.stopped:
            raise duckdb.TransactionException("Current transaction is aborted")
        if sql.startswith("INSERT"):
            self.stopped = True
            raise KeyboardInterrupt("SIGTERM")
        return self.con.execute(sql, *args)

    def register(self, name: str, frame: Any) -> None:
        self.con.register(name, frame)

    def unregister(self, name: str) -> None:
        if self.stopped:
            raise duckdb.TransactionException("Current transaction is aborted")
        self.con.unregister(name)


def test_a_stop_during_an_insert_reaches_the_caller(tmp_path: Path) -> None:
    """The stop, not the aborted transaction's error on clean-up, is what the study sees
    (a SIGTERM in the middle of writing a variant's tables ended the study with exit code
    1 and a database traceback instead of 130)."""
    import pandas as pd

    store = Store(tmp_path / "s.duckdb")
    con = _StoppedConnection(duckdb.connect())
    con.con.execute("CREATE TABLE t (a INTEGER)")
    with pytest.raises(KeyboardInterrupt):
        store._insert(con, "t", pd.DataFrame({"a": [1, 2]}))  # type: ignore[arg-type]
    assert con.stopped
