"""Running a study over any :class:`concurrent.futures.Executor`, resumably.

The driver expands the study into variants, skips those whose content hash the store
already holds, submits the rest to the executor and writes each result to the store as
soon as it comes back (the workers never touch the store). Executors:

- default: a local process pool with one worker per physical core;
- ``scheduler="tcp://host:8786"``: a Dask ``distributed.Client`` on that cluster;
- ``local_cluster=True``: a ``distributed.LocalCluster`` on this machine;
- ``executor=``: any executor you made (or a function making one).

Failures: a variant that fails by itself (infeasible, an exception in the model) is
stored as ``failed`` with its error and not retried (it would fail again). A lost worker
(a process pool broken by a crash, a Dask ``KilledWorker``, a lost connection) is retried
up to ``retries`` times, then stored as ``lost`` (a re-run tries it again). When a process
pool breaks with several variants in flight, the culprit is unknown: those variants are
re-run one at a time, and only a variant that breaks the pool on its own is charged.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from aggregate.study.cluster import CONNECT_TIMEOUT, check_scheduler_address, probe_scheduler
from aggregate.study.progress import Bar
from aggregate.study.spec import Study, load_study
from aggregate.study.store import Store
from aggregate.study.task import Job, Outcome, run_variant
from aggregate.study.variants import VariantSpec, expand

log = logging.getLogger(__name__)

Task = Callable[[Job], Outcome]
ExecutorLike = cf.Executor | Callable[[], cf.Executor]


@dataclass(frozen=True)
class Finished:
    """What the driver reports for each variant it stores (see ``on_result``)."""

    names: list[str]
    """The study's names for this content hash (usually one)."""
    hash: str
    status: str
    """``ok``, ``failed`` or ``lost``."""
    solve_status: str
    error: str
    seconds: float
    attempts: int


@dataclass
class StudyResult:
    """What :func:`run_study` did, and the study's results when it ended."""

    study: str
    store_path: Path
    variants: int
    """Variants of the study (names)."""
    to_run: int
    """Distinct contents that were not stored yet when the run started."""
    skipped: int
    """Distinct contents already stored (from an earlier run)."""
    ok: int = 0
    failed: int = 0
    lost: int = 0
    seconds: float = 0.0
    table: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """:meth:`Store.comparison` of the study at the end of the run."""

    def comparison(self) -> pd.DataFrame:
        """The comparison across variants (one row per variant)."""
        return self.table

    @property
    def failures(self) -> pd.DataFrame:
        """Variants without a plan, with their status and error."""
        t = self.table
        if t.empty:
            return t
        return t.loc[t["status"] != "ok", ["variant", "status", "solve_status", "error"]]

    def store(self) -> Store:
        """Open the results store (read-only) for tables beyond the comparison."""
        return Store(self.store_path, read_only=True)


def default_workers() -> int:
    """Worker processes for this machine: its physical cores (at least 1)."""
    try:
        import psutil

        cores = psutil.cpu_count(logical=False)
    except ImportError:  # psutil comes with the studies extra; the count of CPUs will do
        cores = None
    return max(1, cores or os.cpu_count() or 1)


def run_study(
    study: Study | str | Path,
    *,
    executor: ExecutorLike | None = None,
    store: Store | str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    local_cluster: bool = False,
    progress: bool = True,
    retries: int = 1,
    rerun_failed: bool = False,
    task: Task = run_variant,
    on_result: Callable[[Finished], None] | None = None,
    security: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> StudyResult:
    """Solve every variant of ``study`` not yet stored, writing each result as it ends.

    ``study``: a :class:`Study` or a study file. ``store``: a :class:`Store` or a path
    (default: the study's ``store``, else ``<study file>.duckdb`` next to the file).
    ``workers``: processes of the local pool or local cluster (default: the physical
    cores). ``retries``: re-submissions of a variant whose worker was lost.
    ``rerun_failed``: solve again variants stored as failed. ``task``: the function run
    per variant on the workers (default :func:`~aggregate.study.task.run_variant`).
    ``on_result``: called in the driver after each variant is stored. ``security``: a
    ``distributed.security.Security`` for a ``tls://`` scheduler (see
    :func:`~aggregate.study.cluster.tls_security`). ``connect_timeout``: seconds to reach
    the scheduler.

    Raises :class:`~aggregate.errors.ScenarioError` (before solving anything) if an
    override path does not exist or a variant is not a valid scenario.
    """
    started = time.perf_counter()
    file: Path | None = None
    if not isinstance(study, Study):
        file = Path(study)
        study = load_study(file)
    variants = expand(study)
    # from the store's opening to its closing: a stop anywhere in between is a stop
    with _stops():
        opened = not isinstance(store, Store)
        if isinstance(store, Store):
            db = store
        else:
            db = Store(study.store_path(file) if store is None else store)
        try:
            db.register(study.name, variants)
            done = db.stored(final_only=True) if not rerun_failed else db.stored(ok_only=True)
            names: dict[str, list[str]] = collections.defaultdict(list)
            jobs: dict[str, Job] = {}
            for v in variants:
                names[v.hash].append(v.name)
                if v.hash not in done and v.hash not in jobs:
                    jobs[v.hash] = _job(v, study)
            distinct = len(names)
            result = StudyResult(
                study.name, db.path, len(variants), len(jobs), distinct - len(jobs)
            )
            log.info(
                "study %s: %d variants, %d to solve, %d already stored",
                study.name, len(variants), len(jobs), result.skipped,
            )  # fmt: skip
            if jobs:
                n = workers or default_workers()
                dask = {"security": security, "timeout": connect_timeout}
                with _executor(executor, scheduler, local_cluster, min(n, len(jobs)), dask) as make:
                    loop = _Loop(make, task, retries, db, names, result, on_result)
                    loop.run(list(jobs.values()), progress, study.name)
            result.seconds = time.perf_counter() - started
            result.table = db.comparison(study.name)
            return result
        finally:
            if opened:
                db.close()


def _job(v: VariantSpec, study: Study) -> Job:
    return Job(v.hash, v.name, v.scenario, study.solve.kwargs(), study.baseline, study.verify)


# ------------------------------------------------------------------------------ executors


class _Maker:
    """Makes (and re-makes, after a break) the executor; ``owned``: we may shut it down."""

    def __init__(self, make: Callable[[], cf.Executor], owned: bool, slots: int) -> None:
        self._make = make
        self.owned = owned
        self.slots = slots
        """How many variants to keep in flight."""
        self.current: cf.Executor | None = None

    def get(self) -> cf.Executor:
        if self.current is None:
            self.current = self._make()
        return self.current

    def broken(self) -> bool:
        """Drop a broken executor; True if a new one can be made."""
        if not self.owned:
            return False
        if self.current is not None:
            with suppress(Exception):
                _shutdown(self.current, wait=False)
        self.current = None
        return True

    def close(self, wait: bool = True) -> None:
        """Shut the executor down; ``wait=False`` (an interrupt) also ends running solves."""
        if self.current is not None and self.owned:
            _shutdown(self.current, wait=wait, terminate=not wait)
        self.current = None


def _shutdown(executor: cf.Executor, wait: bool, terminate: bool = False) -> None:
    """Shut down, dropping work not started (an interrupted study must not run on);
    ``terminate``: also end a process pool's workers now, not after their solve."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    try:
        executor.shutdown(wait=wait, cancel_futures=True)
    except TypeError:  # Dask's ClientExecutor has no cancel_futures
        executor.shutdown(wait=wait)
    if terminate:
        for process in processes:
            with suppress(Exception):
                process.terminate()


@contextmanager
def _stops() -> Iterator[None]:
    """While inside, SIGTERM stops the study as Ctrl-C does (``KeyboardInterrupt``: the
    pool is shut down, running solves ended, stored results kept).

    A library may turn the ``KeyboardInterrupt`` raised in the middle of its own work into
    an error of its own: DuckDB raises ``RuntimeError('Query interrupted')`` when the stop
    arrives during a query, Dask may end in ``CancelledError``. Once a stop has arrived,
    whatever comes out is re-raised as the ``KeyboardInterrupt`` (from that error), so the
    caller sees the stop (the CLI exits 130), not a database error. Main thread only; a
    signal whose handler is someone else's keeps it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopped = threading.Event()

    def stop(signum: int, frame: Any) -> None:
        stopped.set()
        raise KeyboardInterrupt(signal.Signals(signum).name)

    ours: dict[signal.Signals, Any] = {
        signal.SIGTERM: signal.SIG_DFL,
        signal.SIGINT: signal.default_int_handler,
    }
    taken = [sig for sig, default in ours.items() if signal.getsignal(sig) is default]
    for sig in taken:
        signal.signal(sig, stop)
    try:
        yield
    except BaseException as exc:
        if stopped.is_set() and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt("stopped") from exc
        raise
    finally:
        for sig in taken:
            signal.signal(sig, ours[sig])


@contextmanager
def _executor(
    executor: ExecutorLike | None,
    scheduler: str | None,
    local_cluster: bool,
    workers: int,
    dask: dict[str, Any] | None = None,
) -> Iterator[_Maker]:
    if sum(x is not None and x is not False for x in (executor, scheduler, local_cluster)) > 1:
        raise ValueError("give at most one of executor, scheduler and local_cluster")
    if isinstance(executor, cf.Executor):
        slots = getattr(executor, "_max_workers", None) or workers
        yield _Maker(lambda: executor, owned=False, slots=slots)
        return
    if executor is not None:
        with _closing(_Maker(executor, owned=True, slots=workers)) as maker:
            yield maker
        return
    if scheduler is not None or local_cluster:
        with _dask(scheduler, workers, **(dask or {})) as (client, n):
            # pure=False: a retried variant must run again, not reuse the failed result
            make = _Maker(lambda: client.get_executor(pure=False), owned=True, slots=2 * n)
            with _closing(make) as maker:
                yield maker
        return
    with _closing(_Maker(lambda: _process_pool(workers), owned=True, slots=workers)) as maker:
        yield maker


@contextmanager
def _closing(maker: _Maker) -> Iterator[_Maker]:
    """Close the executor at the end; on an interrupt, without waiting for running solves."""
    try:
        yield maker
    except BaseException:
        maker.close(wait=False)
        raise
    maker.close(wait=True)


def _process_pool(workers: int) -> cf.ProcessPoolExecutor:
    # not fork: the driver holds DuckDB's and the progress bar's threads
    driver = (os.getpid(),)
    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        # workers fork from a server that has imported the solver once
        server.set_forkserver_preload(
            ["aggregate.study.task", "aggregate.solve", "aggregate.study.runner"]
        )
        return cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=server, initializer=_worker_start, initargs=driver
        )
    spawn = multiprocessing.get_context("spawn")
    return cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=spawn, initializer=_worker_start, initargs=driver
    )


def _worker_start(driver: int) -> None:
    """A pool worker's first act: it lives no longer than the study's driver.

    The driver stops workers itself on Ctrl-C or SIGTERM, so a worker ignores SIGINT (the
    terminal sends it to the whole process group). A driver killed outright (SIGKILL, a
    crash) cannot: a watchdog thread ends the worker once the driver is gone. Linux also
    kills it with its parent (the forkserver, which exits when the driver's end of its
    pipe closes).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        with suppress(Exception):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    threading.Thread(target=_watch_driver, args=(driver,), daemon=True).start()


def _watch_driver(driver: int, every: float = 0.5) -> None:
    from aggregate.extras import require

    psutil = require("psutil", "A study's worker")

    try:
        proc = psutil.Process(driver)
        born = proc.create_time()
    except psutil.Error:
        os._exit(1)
    while True:
        time.sleep(every)
        try:
            # a reused pid has another start time; a killed driver not yet reaped is a zombie
            gone = proc.create_time() != born or proc.status() == psutil.STATUS_ZOMBIE
        except psutil.Error:
            gone = True
        if gone:
            os._exit(1)


@contextmanager
def _dask(
    scheduler: str | None,
    workers: int,
    *,
    security: Any = None,
    timeout: float = CONNECT_TIMEOUT,
) -> Iterator[tuple[Any, int]]:
    from aggregate.extras import require

    distributed = require("distributed", "A Dask study")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    if scheduler is not None:
        address = check_scheduler_address(scheduler)
        try:
            # Client's own timeout does not cover the scheduler's greeting: a silent
            # listener would hang it, so the first contact has a deadline of its own
            probe_scheduler(address, timeout, security)
            client = Client(address, timeout=f"{timeout}s", security=security)
        except (OSError, TimeoutError) as exc:
            raise RuntimeError(str(exc)) from None
        with client:
            n = max(1, len(client.scheduler_info().get("workers", {})))
            yield client, n
        return
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        yield client, workers


# ---------------------------------------------------------------------------- the loop


def _broke(future: cf.Future[Outcome]) -> bool:
    """Whether a finished future failed because its executor broke (a process pool whose
    worker died takes every variant in flight down with it)."""
    return isinstance(future.exception(), cf.BrokenExecutor)


class _Loop:
    """Submits jobs, collects outcomes, retries lost ones and writes each to the store."""

    def __init__(
        self,
        maker: _Maker,
        task: Task,
        retries: int,
        store: Store,
        names: dict[str, list[str]],
        result: StudyResult,
        on_result: Callable[[Finished], None] | None,
    ) -> None:
        self.maker = maker
        self.task = task
        self.retries = retries
        self.store = store
        self.names = names
        self.result = result
        self.on_result = on_result
        self.attempts: collections.Counter[str] = collections.Counter()
        self.suspects: set[str] = set()
        """Variants in flight when a pool broke with several in flight: run alone next."""
        self.queue: collections.deque[Job] = collections.deque()
        self.flight: dict[cf.Future[Outcome], Job] = {}
        self.bar: Any = None
        self.refused = 0
        """Submissions refused in a row (a new executor that breaks at once)."""

    def run(self, jobs: list[Job], progress: bool, title: str) -> None:
        self.queue.extend(jobs)
        self.bar = _bar(len(jobs), progress, title)
        try:
            while self.queue or self.flight:
                self._fill()
                if not self.flight:
                    continue  # _fill gave up on the queue, or will submit next round
                finished, _ = cf.wait(self.flight, return_when=cf.FIRST_COMPLETED)
                if any(_broke(f) for f in finished):
                    self._broken()
                    continue
                for future in finished:
                    self._collect(future, self.flight.pop(future))
        finally:
            self.bar.close()

    def _fill(self) -> None:
        """Submit queued jobs up to the executor's slots; a suspect runs alone."""
        while self.queue and len(self.flight) < self.maker.slots:
            if any(j.hash in self.suspects for j in self.flight.values()):
                return
            job = self.queue[0]
            if job.hash in self.suspects and self.flight:
                return  # wait until the suspect can run on its own
            self.queue.popleft()
            try:
                future = self.maker.get().submit(self.task, job)
            except (cf.BrokenExecutor, RuntimeError) as exc:
                # the executor broke (or was shut down) before it took the job
                self.queue.appendleft(job)
                self.refused += 1
                if self.refused > 3 or not self.maker.broken():
                    self._give_up(f"the executor can no longer take work: {exc}")
                return
            self.refused = 0
            self.flight[future] = job

    def _collect(self, future: cf.Future[Outcome], job: Job) -> None:
        """Store one finished future's outcome, or retry its job if the worker was lost."""
        try:
            outcome = future.result()
        except Exception as exc:
            # run_variant returns a variant's own failures, so anything raised here is the
            # machinery: a Dask worker killed, a lost connection, a result that did not pickle
            self._lost(job, exc)
            return
        self.suspects.discard(job.hash)
        self._store(job, outcome, "ok" if outcome.ok else "failed")

    def _broken(self) -> None:
        """The executor broke: settle every future in flight, charge the culprit if it is
        known (it was alone in flight), re-queue the others as suspects, make a new one."""
        cf.wait(self.flight)
        settled, self.flight = list(self.flight.items()), {}
        casualties: list[tuple[Job, BaseException]] = []
        for future, job in settled:
            if _broke(future):
                exc = future.exception()
                assert exc is not None
                casualties.append((job, exc))
            else:
                self._collect(future, job)
        if len(casualties) == 1:
            self._lost(*casualties[0])
        else:
            for job, _ in reversed(casualties):
                self.suspects.add(job.hash)
                self.queue.appendleft(job)
        if not self.maker.broken():
            self._give_up("the executor broke, and it was not made by the study")

    def _lost(self, job: Job, exc: BaseException) -> None:
        self.attempts[job.hash] += 1
        text = f"worker lost ({type(exc).__name__}: {exc})"
        if self.attempts[job.hash] <= self.retries:
            log.warning("variant %s: %s; retrying", job.name, text)
            self.queue.appendleft(job)
            return
        self.suspects.discard(job.hash)
        outcome = Outcome(job.hash, job.name, False, "error", error=text)
        self._store(job, outcome, "lost")

    def _give_up(self, why: str) -> None:
        while self.queue:
            job = self.queue.popleft()
            self._store(job, Outcome(job.hash, job.name, False, "error", error=why), "lost")

    def _store(self, job: Job, outcome: Outcome, status: str) -> None:
        attempts = self.attempts[job.hash] + (status != "lost")
        self.store.write(outcome, scenario=job.scenario.name, attempts=attempts, status=status)
        setattr(self.result, status, getattr(self.result, status) + 1)
        self.bar.update(1)
        self.bar.set_postfix(ok=self.result.ok, failed=self.result.failed + self.result.lost)
        if status != "ok":
            log.warning("variant %s %s: %s", job.name, status, outcome.error.splitlines()[0])
        if self.on_result is not None:
            self.on_result(
                Finished(
                    self.names.get(job.hash, [job.name]),
                    job.hash,
                    status,
                    outcome.solve_status,
                    outcome.error,
                    outcome.seconds,
                    attempts,
                )
            )


def _bar(total: int, enabled: bool, title: str) -> Bar:
    """The progress bar (rich): text in terminals, a widget in notebooks with ipywidgets."""
    return Bar(total, enabled, title)
