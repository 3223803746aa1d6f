"""Connecting to a Dask scheduler: its address, TLS security, and a bounded first contact.

A study run on a cluster names its scheduler by address (``tcp://host:8786``). The address
is checked before anything runs; ``tls://`` addresses need the cluster's CA certificate and
this client's certificate and key. The first contact has a hard deadline: Dask's own
connect waits without limit for the scheduler's greeting, so a listener that accepts and
never answers (a wrong port, a proxy) would hang the study forever.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import re
from pathlib import Path
from typing import Any

from aggregate.errors import InputError

PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss", "inproc")
"""Dask's communication protocols; ``inproc`` reaches a scheduler in this process only."""

CONNECT_TIMEOUT = 20.0
"""Default seconds to reach the scheduler and hear its greeting."""

_EXAMPLE = "e.g. tcp://host:8786, or tls://host:8786 with the TLS options"
_HOST_PORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


class SchedulerError(InputError):
    """A scheduler address or TLS setting that cannot work (the message says how to fix it)."""


def check_scheduler_address(address: str) -> str:
    """``address`` as Dask takes it (``tcp://`` added to a bare ``host:port``), or a
    :class:`SchedulerError` saying what is wrong."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    scheme = scheme.lower()
    if scheme not in PROTOCOLS:
        raise SchedulerError(
            f"'{address}' is not a Dask scheduler address: '{scheme}' is not a Dask "
            f"protocol ({', '.join(PROTOCOLS)}); {_EXAMPLE}"
        )
    if scheme == "inproc":
        if not rest:
            raise SchedulerError(f"'{address}' names no in-process scheduler")
        return f"{scheme}://{rest}"
    match = _HOST_PORT.match(rest)
    if match is None or not 1 <= int(match.group(2)) <= 65535:
        raise SchedulerError(
            f"'{address}' is not a Dask scheduler address: give host:port with a port from "
            f"1 to 65535 ({_EXAMPLE})"
        )
    return f"{scheme}://{rest}"


def tls_security(
    address: str,
    ca_file: str | Path | None = None,
    cert: str | Path | None = None,
    key: str | Path | None = None,
) -> Any:
    """The ``distributed.security.Security`` for ``address``: None for a plain address
    without TLS files; for ``tls://``, one that requires encryption, built from the CA
    file and this client's certificate and key (all three needed, each must exist)."""
    files = {"--tls-ca-file": ca_file, "--tls-cert": cert, "--tls-key": key}
    given = {k: v for k, v in files.items() if v is not None}
    is_tls = address.startswith(("tls://", "wss://"))
    if not is_tls:
        if given:
            raise SchedulerError(
                f"{', '.join(given)} given for {address}, which is not encrypted; use "
                "tls://host:port, or leave the TLS options out"
            )
        return None
    missing = [k for k, v in files.items() if v is None]
    if missing:
        raise SchedulerError(
            f"{address} is a TLS address and needs the cluster's CA certificate and this "
            f"client's certificate and key: give {', '.join(missing)}"
        )
    absent = [f"{k} {v}" for k, v in given.items() if not Path(v).is_file()]
    if absent:
        raise SchedulerError(f"no such file: {', '.join(absent)}")
    from aggregate.extras import require

    Security = require("distributed.security", "A TLS Dask cluster").Security
    return Security(
        tls_ca_file=str(ca_file),
        tls_client_cert=str(cert),
        tls_client_key=str(key),
        require_encryption=True,
    )


def probe_scheduler(address: str, timeout: float, security: Any = None) -> None:
    """Reach the scheduler and hear its greeting within ``timeout`` seconds, else raise
    :class:`TimeoutError` or :class:`OSError` saying so."""
    from aggregate.extras import require

    connect = require("distributed.comm", "A Dask cluster").connect

    args = security.get_connection_args("client") if security is not None else {}

    async def contact() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout, **args), timeout)
        await comm.close()

    # a thread of its own: the caller may be inside an event loop (a notebook)
    with cf.ThreadPoolExecutor(1, thread_name_prefix="aggregate-probe") as pool:
        try:
            pool.submit(asyncio.run, contact()).result()
        except TimeoutError:
            raise TimeoutError(
                f"could not connect to the Dask scheduler at {address} within {timeout:g} s: "
                "nothing answered. Check the address and port, that the scheduler runs, "
                "and that a firewall lets the connection through"
            ) from None
        except OSError as exc:
            raise OSError(
                f"could not connect to the Dask scheduler at {address} within {timeout:g} s: {exc}"
            ) from None
