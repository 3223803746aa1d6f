"""The results store: one embedded DuckDB file holding every finished variant.

Tables:

- ``variants``: one row per content hash: status (``ok``, ``failed``, ``lost``), the
  error, the solve status, key figures as columns (and all of them as JSON), timings,
  attempts, the worker and when it finished;
- ``members``: which study calls which hash by which name, with its kind, group and
  parameters (JSON); a hash may serve several names and studies;
- one table per plan table of :data:`aggregate.tables.TABLES` (``orders``, ``demands``,
  ``contributions``, ...), with the variant's ``hash`` and the ``plan`` (``pooled`` or
  ``alone``) in front of the table's own columns;
- ``value_by_nation``: the value of pooling per nation (studies with the baseline).

Only the driver writes. Each variant is written in one transaction (its ``variants`` row
and every table row together), so a process killed at any moment leaves each variant
either fully stored or absent. DuckDB lets one process open a file for writing and no
other process open it at the same time (not even read-only): read a running study's
results through the driver's :class:`Store`, or after it ends.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from aggregate.errors import AggregateError, InputError
from aggregate.study.compare import by_nation, comparison
from aggregate.study.task import BASELINE_FIGURES, FIGURES, Outcome
from aggregate.tables import INTEGER_COLUMNS, TABLES, TEXT_COLUMNS

STORE_FORMAT = "2"

FINAL = ("ok", "failed")
"""Statuses a re-run skips: a plan, or a failure that would repeat (infeasible, an
exception). ``lost`` (the worker died every time) is tried again."""

# column types come from the one table specification
_TEXT = TEXT_COLUMNS
_INTEGER = INTEGER_COLUMNS

_VARIANTS = f"""
CREATE TABLE IF NOT EXISTS variants (
    hash VARCHAR PRIMARY KEY,
    scenario VARCHAR,
    status VARCHAR NOT NULL,
    solve_status VARCHAR,
    error VARCHAR,
    message VARCHAR,
    attempts INTEGER,
    verified BOOLEAN,
    violations INTEGER,
    {", ".join(f"{f} DOUBLE" for f in FIGURES)},
    alone_status VARCHAR,
    {", ".join(f"{f} DOUBLE" for f in BASELINE_FIGURES)},
    key_figures VARCHAR,
    totals VARCHAR,
    timings VARCHAR,
    seconds DOUBLE,
    worker VARCHAR,
    finished_at TIMESTAMP
)"""

_MEMBERS = """
CREATE TABLE IF NOT EXISTS members (
    study VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    hash VARCHAR NOT NULL,
    kind VARCHAR,
    "group" VARCHAR,
    parameters VARCHAR,
    description VARCHAR,
    position INTEGER,
    PRIMARY KEY (study, name)
)"""

_BY_NATION = "value_by_nation"
_RESERVED = {"variants", "members", "meta", _BY_NATION}
assert not _RESERVED & set(TABLES), "a plan table's name clashes with the store's own tables"


def _sql_type(column: str, dtype: Any = None) -> str:
    if column in _TEXT:
        return "VARCHAR"
    if column in _INTEGER:
        return "BIGINT"
    if dtype is not None and not pd.api.types.is_numeric_dtype(dtype):
        return "VARCHAR"
    if dtype is not None and pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    return "DOUBLE"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True)


def _plain(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy numbers plain numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class StoreLocked(AggregateError, RuntimeError):
    """The store file is open for writing in another process (DuckDB allows one writer and
    no readers beside it), or cannot be opened at all."""


class StoreInvalid(InputError):
    """The file is not a results store: not a DuckDB database, a DuckDB database holding
    other tables, or a damaged (e.g. truncated) store. The file is left as it was."""


_HEADERS = 3 * 4096
"""Bytes before a DuckDB file's first block: the main header and two database headers."""


def _invalid(path: Path, what: str) -> StoreInvalid:
    return StoreInvalid(
        f"{path} is not a usable results store: {what}. It was left untouched; move it "
        "away, or give the study another store path (--store)"
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _inspect(path: Path) -> None:
    """Check, read-only, that the existing file ``path`` is a sound results store (or an
    empty database); raise :class:`StoreLocked` or :class:`StoreInvalid` otherwise."""
    if path.is_dir():
        raise _invalid(path, "it is a folder")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        text = _first_line(exc)
        if "lock" in text.lower():
            raise StoreLocked(
                f"cannot open the results store {path}: {text}. Another process (a running "
                "study?) holds it; wait until it ends, or use another store"
            ) from None
        if "not a valid DuckDB database" in text:
            raise _invalid(path, "it is not a DuckDB database file") from None
        raise _invalid(path, f"it is damaged or truncated ({text})") from None
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not tables:
            return  # an empty database: the store's tables are created in it
        if not {"meta", "variants", "members"} <= tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise _invalid(path, f"it is a DuckDB database holding other tables ({shown})")
        block, blocks = con.execute(
            "SELECT block_size, total_blocks FROM pragma_database_size()"
        ).fetchone() or (0, 0)
        size = path.stat().st_size
        if size < _HEADERS + block * blocks:
            raise _invalid(
                path, f"it is truncated ({size:,} bytes of {_HEADERS + block * blocks:,})"
            )
        row = con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None or row[0] != STORE_FORMAT:
            found = "none" if row is None else row[0]
            raise _invalid(
                path, f"its store format is {found}, this version reads format {STORE_FORMAT}"
            )
        for table in tables:  # each table's metadata is read: a damaged one fails here
            con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()
    except duckdb.Error as exc:
        raise _invalid(path, f"it is damaged ({_first_line(exc)})") from None
    finally:
        con.close()


class Store:
    """An embedded DuckDB results store (created if missing).

    ``read_only=True`` opens an existing store for reading (possible only while no other
    process has it open for writing). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no results store at {self.path}")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            # before opening for writing, which would add the store's tables to a foreign file
            _inspect(self.path)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreLocked(
                f"cannot open the results store {self.path}: {exc}. Another process (a running "
                "study?) holds it; wait until it ends, or use another store"
            ) from None
        self._lock = threading.Lock()  # one DuckDB connection, one user at a time
        if not read_only:
            self._create()

    # ------------------------------------------------------------------------- lifecycle

    def _create(self) -> None:
        con = self._con
        con.execute(_VARIANTS)
        con.execute(_MEMBERS)
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", [STORE_FORMAT])
        for name, columns in TABLES.items():
            cols = ", ".join(f"{_quote(c)} {_sql_type(c)}" for c in columns)
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {_quote(name)} "
                f"(hash VARCHAR NOT NULL, plan VARCHAR NOT NULL, {cols})"
            )
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {_BY_NATION} (hash VARCHAR NOT NULL, nation VARCHAR)"
        )

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            con = self._con
            con.begin()
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()

    # ---------------------------------------------------------------------------- writing

    def register(self, study: str, variants: Iterable[Any]) -> None:
        """Record which names ``study`` gives to which hashes (idempotent)."""
        rows = [
            (
                study,
                v.name,
                v.hash,
                v.kind,
                v.group,
                _json(v.parameters),
                v.description,
                position,
            )
            for position, v in enumerate(variants)
        ]
        with self._transaction() as con:
            con.execute("DELETE FROM members WHERE study = ?", [study])
            if rows:
                con.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def write(
        self, outcome: Outcome, *, scenario: str = "", attempts: int = 1, status: str | None = None
    ) -> None:
        """Store one variant's outcome and all its tables in one transaction (replacing an
        earlier record of the same hash, e.g. a ``lost`` one)."""
        status = status or ("ok" if outcome.ok else "failed")
        kf, totals = outcome.key_figures, outcome.totals
        row: dict[str, Any] = {
            "hash": outcome.hash,
            "scenario": scenario,
            "status": status,
            "solve_status": outcome.solve_status,
            "error": outcome.error,
            "message": outcome.message,
            "attempts": attempts,
            "verified": outcome.verified,
            "violations": outcome.violations,
            **{f: _number(kf.get(f)) for f in FIGURES},
            "alone_status": outcome.alone_status,
            "total_cost_alone": _number(totals.get("total_cost_alone")),
            "value_cost": _number(totals.get("value_cost")),
            "value_cost_share": _number(totals.get("value_cost_share")),
            "value_short": _number(totals.get("value_short")),
            "fill_rate_alone": _number(totals.get("fill_rate_alone")),
            "weighted_shortfall_alone": _number(totals.get("weighted_shortfall_alone")),
            "key_figures": _json(kf),
            "totals": _json(totals),
            "timings": _json(outcome.timings),
            "seconds": outcome.seconds,
            "worker": outcome.worker,
            "finished_at": datetime.now(UTC).replace(tzinfo=None),
        }
        names = ", ".join(_quote(c) for c in row)
        marks = ", ".join("?" for _ in row)
        with self._transaction() as con:
            for table in [*TABLES, _BY_NATION]:
                con.execute(f"DELETE FROM {_quote(table)} WHERE hash = ?", [outcome.hash])
            con.execute("DELETE FROM variants WHERE hash = ?", [outcome.hash])
            con.execute(f"INSERT INTO variants ({names}) VALUES ({marks})", list(row.values()))
            for plan, tables in outcome.plans.items():
                for table, frame in tables.items():
                    if table in TABLES and not frame.empty:
                        self._insert(con, table, frame.assign(hash=outcome.hash, plan=plan))
            if outcome.by_nation is not None and not outcome.by_nation.empty:
                self._insert(con, _BY_NATION, outcome.by_nation.assign(hash=outcome.hash))

    def _insert(self, con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
        have = {r[0] for r in con.execute(f"DESCRIBE {_quote(table)}").fetchall()}
        for column in frame.columns:
            if column not in have:  # a table gained a column since the store was made
                kind = _sql_type(str(column), frame[column].dtype)
                con.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(str(column))} {kind}")
        con.register("_frame", frame)
        try:
            con.execute(f"INSERT INTO {_quote(table)} BY NAME SELECT * FROM _frame")
        except BaseException:
            # a stop (Ctrl-C, SIGTERM) during the insert aborts the transaction, and
            # unregistering then fails as well: the stop, not that failure, must reach the
            # caller (a stopped study exits 130, not 1 with a database traceback)
            with suppress(duckdb.Error):
                con.unregister("_frame")
            raise
        con.unregister("_frame")

    # ---------------------------------------------------------------------------- reading

    def _query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        with self._lock:
            return self._con.execute(sql, params or []).df()

    def stored(self, *, final_only: bool = False, ok_only: bool = False) -> set[str]:
        """Hashes stored: all, those a re-run skips (``final_only``: ``ok`` or ``failed``),
        or those with a plan (``ok_only``)."""
        statuses = ["ok"] if ok_only else list(FINAL) if final_only else ["ok", "failed", "lost"]
        frame = self._query(
            f"SELECT hash FROM variants WHERE status IN ({', '.join('?' * len(statuses))})",
            statuses,
        )
        return set(frame["hash"])

    def studies(self) -> list[str]:
        """Names of the studies in the store."""
        return sorted(self._query("SELECT DISTINCT study FROM members")["study"])

    def _study(self, study: str | None) -> str | None:
        if study is not None:
            return study
        names = self.studies()
        return names[0] if len(names) == 1 else None

    def variants(self, study: str | None = None) -> pd.DataFrame:
        """One row per variant of ``study`` (all studies if None and the store holds
        several): name, kind, group, parameters (dict), hash, status, error, key figures,
        timings. Variants not run yet have status ``pending``."""
        study = self._study(study)
        where = "WHERE m.study = ?" if study is not None else ""
        frame = self._query(
            f"""SELECT m.study, m.name AS variant, m.kind, m."group", m.parameters,
                       m.description, m.hash, COALESCE(v.status, 'pending') AS status,
                       v.* EXCLUDE (hash, status)
                FROM members m LEFT JOIN variants v ON v.hash = m.hash
                {where} ORDER BY m.study, m.position""",
            [study] if study is not None else [],
        )
        for column in ("parameters", "key_figures", "totals", "timings"):
            frame[column] = [json.loads(v) if isinstance(v, str) else {} for v in frame[column]]
        return frame

    def results(self) -> pd.DataFrame:
        """The ``variants`` table as stored: one row per hash, whatever study uses it."""
        return self._query("SELECT * FROM variants ORDER BY finished_at")

    def table(self, name: str, study: str | None = None, plan: str = "pooled") -> pd.DataFrame:
        """A plan table (``orders``, ``demands``, ...) of every variant of ``study``, with
        the variant's name (``variant``) and ``hash`` in front. ``plan``: ``pooled`` or
        ``alone`` (the going-alone plans of a study with the baseline)."""
        if name not in TABLES and name != _BY_NATION:
            known = ", ".join([*TABLES, _BY_NATION])
            raise KeyError(f"no table '{name}' in the store; the tables are: {known}")
        study = self._study(study)
        filters, params = [], []
        if study is not None:
            filters.append("m.study = ?")
            params.append(study)
        if name != _BY_NATION:
            filters.append("t.plan = ?")
            params.append(plan)
        where = f"WHERE {' AND '.join(filters)}" if filters else ""
        extra = "(hash)" if name == _BY_NATION else "(hash, plan)"
        return self._query(
            f"""SELECT m.study, m.name AS variant, t.hash, t.* EXCLUDE {extra}
                FROM {_quote(name)} t JOIN members m ON m.hash = t.hash
                {where} ORDER BY m.study, m.position""",
            params,
        )

    def comparison(self, study: str | None = None) -> pd.DataFrame:
        """The comparison across variants (see :func:`aggregate.study.compare.comparison`)."""
        return comparison(self, study)

    def by_nation(self, study: str | None = None) -> pd.DataFrame:
        """Per variant and nation (see :func:`aggregate.study.compare.by_nation`)."""
        return by_nation(self, study)
