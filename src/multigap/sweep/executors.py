"""Executors: run one function over many tasks, serially, in local processes or on Dask.

The three executors share one signature ``(func, tasks, *, workers=None, scheduler=None)`` and
yield ``(task_index, result)`` pairs as tasks finish (the habit of QuTiP's ``serial_map`` /
``parallel_map``): :func:`serial_map`, :func:`process_map` (the default; all cores through
:class:`concurrent.futures.ProcessPoolExecutor`, no server) and :func:`dask_map`
(``dask.distributed``: a LocalCluster, or an existing cluster at ``tcp://HOST:PORT``).
:func:`dask_client` is the one place that connects to (or starts) a Dask cluster; the command
line uses it too.

Examples
--------
>>> sorted(serial_map(abs, [-2, 3]))
[(0, 2), (1, 3)]
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from ..errors import InputError, WorkersLost

__all__ = [
    "CONNECT_TIMEOUT",
    "NO_WORKERS_TIMEOUT",
    "EXECUTORS",
    "Executor",
    "dask_client",
    "dask_map",
    "n_workers",
    "process_map",
    "resolve_executor",
    "serial_map",
    "start_fork_server",
]

#: Seconds to wait for a Dask scheduler at a ``tcp://`` address before giving up: the whole
#: connect, the Dask handshake and the client's registration together.
CONNECT_TIMEOUT = 5.0

#: Seconds a Dask map waits with no worker connected to the scheduler before it stops with
#: :class:`~multigap.errors.WorkersLost` (finished chunks are kept).  The environment variable
#: ``MULTIGAP_NO_WORKERS_TIMEOUT`` (seconds) overrides it.
NO_WORKERS_TIMEOUT = 60.0

#: Largest handshake a Dask scheduler sends on connect (bytes); a larger length is not Dask.
_MAX_HANDSHAKE_BYTES = 1 << 16

#: Seconds between checks of a worker process that its parent (the caller) is still alive.
_WATCHDOG_PERIOD = 0.5

#: Dask config key of the malloc trim threshold its nannies set for their workers (65536):
#: dropped for a LocalCluster (glibc's default), see :func:`dask_client`.
_TRIM_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"

#: Module the process pool's fork server imports once, so that workers start warm.
PRELOAD = "multigap._sweep_worker"  # one BLAS thread per worker, then the solvers

Executor = Callable[..., Generator[tuple[int, Any], None, None]]


def serial_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on each task in this process, in order.

    Parameters
    ----------
    func : callable
        A picklable function of one task.
    tasks : sequence
        The tasks.
    workers : int, optional
        Ignored (one worker: this process).
    scheduler : None
        Must be None.

    Yields
    ------
    (int, object)
        The task's position in ``tasks`` and ``func(task)``.
    """
    if scheduler is not None:
        raise InputError(
            f"scheduler = {scheduler!r}: the serial executor takes no scheduler; use executor='dask'"
        )
    for i, task in enumerate(tasks):
        yield i, func(task)


def _process_context() -> multiprocessing.context.BaseContext:
    """Start workers from a fork server that has imported this module once (cheap and thread-safe)."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _user_paths() -> list[str]:
    """Entries of ``sys.path`` that stand for the current directory ('' , '.', the cwd itself).

    A worker must not import from them: a file there named like a module (``signal.py``) would
    be imported, and executed, by every worker.  An entry holding multigap itself (a source
    checkout run in place) is kept, else the workers could not import the package.
    """
    cwd = os.path.realpath(os.getcwd())
    package_root = os.path.realpath(str(Path(__file__).resolve().parents[2]))
    out = []
    for entry in sys.path:
        resolved = os.path.realpath(entry or ".")
        if resolved == cwd and resolved != package_root:
            out.append(entry)
    return out


@contextlib.contextmanager
def clean_start() -> Iterator[None]:
    """Start helper processes (fork server, resource tracker, pool workers, Dask nannies) safely.

    While the block runs, in the main thread: SIGINT is blocked, so that processes started here
    inherit a blocked SIGINT (Ctrl-C reaches only the caller, which stops them in order: no
    tracebacks from children); Ctrl-C and SIGTERM are deferred (their Python handlers run when
    the block ends, so that no child is left half-started and unknown to its pool); the current
    directory is not on the import path handed to the children (``sys.path`` without it,
    ``PYTHONSAFEPATH=1`` for their interpreter start).  Everything is restored afterwards.
    """
    main = threading.current_thread() is threading.main_thread()
    blocked = main and hasattr(signal, "pthread_sigmask")
    removed = _user_paths()
    old_path = list(sys.path)
    old_safe = os.environ.get("PYTHONSAFEPATH")
    deferred: list[int] = []
    handlers: dict[int, Callable[[int, Any], Any]] = {}
    old_mask = None
    try:
        sys.path[:] = [p for p in sys.path if p not in removed]
        os.environ["PYTHONSAFEPATH"] = "1"
        if blocked and os.name == "posix":
            # the resource tracker's first start unblocks SIGINT in this thread when it is done:
            # start it before blocking (it ignores SIGINT itself), so that the block holds after
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
        if main:
            for sig in (signal.SIGINT, signal.SIGTERM):
                handler = signal.getsignal(sig)
                if callable(handler):  # a Python handler (KeyboardInterrupt, the CLI's SIGTERM)
                    handlers[sig] = handler
                    signal.signal(sig, lambda signum, frame: deferred.append(signum))
        if blocked:
            old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        if old_safe is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = old_safe
        sys.path[:] = old_path
        if old_mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)  # a pending Ctrl-C arrives now
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        if deferred:
            handlers[deferred[0]](deferred[0], None)  # raises KeyboardInterrupt (or Terminated)


def _start_fork_server(ctx: multiprocessing.context.BaseContext) -> None:
    """Start the fork server (and resource tracker) inside :func:`clean_start`, if not running."""
    if ctx.get_start_method() != "forkserver":  # pragma: no cover - Windows
        return
    from multiprocessing import forkserver

    with clean_start():
        forkserver.ensure_running()


def start_fork_server(executor: str | None, scheduler: Any = None) -> bool:
    """Start the process executor's fork server now, if that executor will run the tasks.

    The fork server imports :data:`PRELOAD` (numpy, scipy, the solvers) once before it forks the
    first worker, and :func:`process_map` waits for that.  Started early, e.g. by a command as
    soon as its options are checked, the preload runs in its own process while the caller
    imports and prepares the rest, instead of after it.  Nothing else changes: the same fork
    server (one per process) serves every later :func:`process_map`.

    Parameters
    ----------
    executor : str or None
        The executor name as given to the sweeps (None: the default, processes).
    scheduler : str, dask.distributed.Client or None
        The Dask scheduler, if any (then the executor is Dask and nothing is started).

    Returns
    -------
    bool
        True if the executor is ``processes`` (the fork server runs, or is starting).
    """
    if resolve_executor(executor, scheduler) != "processes":
        return False
    _start_fork_server(_process_context())
    return True


def _set_parent_death_signal() -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent exits (prctl)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists, owned by another user
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:  # no /proc: trust kill(0)
        return True


def _worker_init(owner: int) -> None:
    """Initialiser of each worker process: exit as soon as the process that owns the pool dies.

    The worker's parent is the fork server, which exits when the owner does; the kernel then
    kills the worker (``PR_SET_PDEATHSIG``), and a watchdog thread checks every
    :data:`_WATCHDOG_PERIOD` s both the parent and the owner (other systems, or an owner that
    is a zombie).  Without it a worker computing a long chunk would outlive a killed ``multigap
    map`` by minutes, holding its stdout/stderr open.
    """
    _set_parent_death_signal()
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(_WATCHDOG_PERIOD)
            if os.getppid() != parent or not _pid_alive(owner):
                os._exit(1)

    threading.Thread(target=watch, name="multigap-parent-watchdog", daemon=True).start()


def n_workers(workers: int | None) -> int:
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise InputError(f"workers = {workers!r}: must be a positive integer (or None for all cores)")
    return int(workers)


def process_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on the tasks in local worker processes (no server to start).

    Parameters
    ----------
    func : callable
        A picklable, module-level function of one task.
    tasks : sequence
        Picklable tasks.
    workers : int, optional
        Number of processes; default all cores (:func:`os.cpu_count`), never more than tasks.
    scheduler : None
        Must be None.

    Yields
    ------
    (int, object)
        The task's position and ``func(task)``, in order of completion.  Closing the iterator
        (or an exception) cancels the tasks not started yet.
    """
    if scheduler is not None:
        raise InputError(
            f"scheduler = {scheduler!r}: the process executor takes no scheduler; use executor='dask'"
        )
    n = min(n_workers(workers), len(tasks))
    if n == 0:
        return
    ctx = _process_context()
    _start_fork_server(ctx)
    pool = ProcessPoolExecutor(
        max_workers=n, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
    )
    finished = False
    try:
        with clean_start():  # workers start here, with the import path handed to them now
            pending = {pool.submit(func, task): i for i, task in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool as exc:
                    raise RuntimeError(
                        "a sweep worker process died (killed, out of memory, or - when this runs from "
                        "a script - the script lacks the `if __name__ == '__main__':` guard that "
                        "worker processes need); use executor='serial' to see the error in-process"
                    ) from exc
                yield pending.pop(fut), result
        finished = True
    finally:
        if not finished:  # Ctrl-C, SIGTERM, an error or a closed iterator: stop the running tasks now
            _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """SIGTERM the pool's worker processes (their results are no longer wanted)."""
    processes = getattr(pool, "_processes", None) or {}
    for proc in list(processes.values()):
        with contextlib.suppress(Exception):
            proc.terminate()


def dask_client(scheduler: Any, workers: int | None) -> tuple[Any, list[Any]]:
    """A ``dask.distributed.Client`` for ``scheduler`` and the objects the caller must close.

    The one place that starts a LocalCluster or connects to a scheduler (the sweeps and the
    command line use it).

    Parameters
    ----------
    scheduler : str, dask.distributed.Client or None
        ``None`` or ``"local"``: start a ``LocalCluster(n_workers=workers,
        threads_per_worker=1)``.  ``"tcp://HOST:PORT"``: connect, waiting at most
        :data:`CONNECT_TIMEOUT` s.  A ``Client``: returned as is (nothing to close).
    workers : int, optional
        Worker processes of a LocalCluster (default all cores).

    Returns
    -------
    (Client, list)
        The client and the objects to ``close()`` afterwards, in order (client, then cluster).

    Raises
    ------
    InputError
        Without ``dask.distributed``, for a malformed scheduler, or when nothing answers.

    Examples
    --------
    >>> client, owned = dask_client("local", 1)  # doctest: +SKIP
    >>> for obj in owned:  # doctest: +SKIP
    ...     obj.close()
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("executor 'dask' needs dask.distributed: pip install 'multigap[dask]'") from None
    if isinstance(scheduler, Client):
        return scheduler, []
    if scheduler is None or scheduler == "local":
        import dask

        # nannies and workers: no SIGINT, no user directory on their path; glibc's own heap
        # trimming (Dask's default MALLOC_TRIM_THRESHOLD_=65536 costs ~70 % more CPU per point)
        with clean_start(), dask.config.set({_TRIM_KEY: None}):
            cluster = LocalCluster(
                n_workers=n_workers(workers),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,  # no worker warnings (e.g. tasks cancelled by Ctrl-C)
            )
        try:
            client = Client(cluster)
        except BaseException:
            cluster.close()
            raise
        return client, [client, cluster]
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise InputError(
            f"scheduler = {scheduler!r}: must be 'local', an address like 'tcp://HOST:PORT' "
            "or a dask.distributed.Client"
        )
    deadline = time.monotonic() + CONNECT_TIMEOUT
    _probe_scheduler(scheduler, deadline)
    remaining = max(deadline - time.monotonic(), 0.5)
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = Client(scheduler, timeout=remaining)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=connect, name="multigap-dask-connect", daemon=True)
    thread.start()
    thread.join(remaining + 1.0)  # the whole registration is bounded, whatever the server does
    if "client" in box:
        return box["client"], [box["client"]]
    reason = type(box["error"]).__name__ if "error" in box else "no answer"
    raise InputError(_no_scheduler(scheduler, reason))


def _no_scheduler(scheduler: str, reason: str) -> str:
    return (
        f"scheduler = {scheduler!r}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
        f"({reason}); start one with 'dask scheduler' and workers with "
        f"'dask worker {scheduler}', or use scheduler='local'"
    )


def _probe_scheduler(scheduler: str, deadline: float) -> None:
    """Connect to ``tcp://HOST:PORT`` with a plain socket and read the Dask handshake, by ``deadline``.

    A Dask scheduler sends its handshake (a small framed message) as soon as it accepts a
    connection; anything else (an HTTP server, a socket that accepts and stays silent, a
    sender of garbage) fails here within the connect time, before a Dask client could wait on
    it for minutes or allocate a length read from garbage.
    """
    parts = urlsplit(scheduler)
    if parts.scheme != "tcp" or not parts.hostname or parts.path not in ("", "/"):
        raise InputError(
            f"scheduler = {scheduler!r}: not an address of the form 'tcp://HOST:PORT' "
            "(or 'local' for a cluster on this machine)"
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        raise InputError(f"scheduler = {scheduler!r}: the port is missing or not a number (tcp://HOST:PORT)")

    def left() -> float:
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise TimeoutError
        return rest

    def read(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            sock.settimeout(left())
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionResetError("closed by the server")
            data += chunk
        return data

    try:
        with socket.create_connection((parts.hostname, port), timeout=left()) as sock:
            (size,) = struct.unpack("<Q", read(sock, 8))
            if not 8 <= size <= _MAX_HANDSHAKE_BYTES:
                raise _NotDask(f"a message of {size} bytes, not a Dask handshake")
            body = read(sock, size)
    except _NotDask as exc:
        raise InputError(
            f"scheduler = {scheduler!r}: the server there is not a Dask scheduler ({exc}); "
            "give the address that 'dask scheduler' printed"
        ) from None
    except TimeoutError:
        raise InputError(_no_scheduler(scheduler, "timed out")) from None
    except OSError as exc:
        raise InputError(_no_scheduler(scheduler, exc.strerror or str(exc) or type(exc).__name__)) from None
    except UnicodeError:  # an unencodable host name
        raise InputError(f"scheduler = {scheduler!r}: the host name cannot be looked up") from None
    try:
        from distributed.protocol import loads
        from distributed.protocol.utils import unpack_frames

        frames, extra = unpack_frames(body, partial=True)
        if extra:
            raise ValueError("buffers after the header")
        info = loads(frames)
        if not (isinstance(info, dict) and "pickle-protocol" in info):
            raise ValueError("no handshake fields")
    except Exception:
        raise InputError(
            f"scheduler = {scheduler!r}: the server there is not a Dask scheduler (its first "
            "message is not a Dask handshake); give the address that 'dask scheduler' printed"
        ) from None


class _NotDask(Exception):
    """The peer's first bytes are not a Dask message."""


def no_workers_timeout() -> float:
    """:data:`NO_WORKERS_TIMEOUT`, or ``MULTIGAP_NO_WORKERS_TIMEOUT`` (seconds) when set."""
    text = os.environ.get("MULTIGAP_NO_WORKERS_TIMEOUT")
    if text is None:
        return NO_WORKERS_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"MULTIGAP_NO_WORKERS_TIMEOUT = {text!r}: must be a number of seconds > 0")
    return value


def dask_map(
    func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int | None = None, scheduler: Any = None
) -> Generator[tuple[int, Any], None, None]:
    """Run ``func`` on the tasks on a Dask cluster.

    Parameters
    ----------
    func : callable
        A picklable, module-level function of one task (the workers must have ``multigap``
        installed).
    tasks : sequence
        Picklable tasks.
    workers : int, optional
        Worker processes of a LocalCluster (default all cores); ignored for an existing cluster.
    scheduler : str or dask.distributed.Client, optional
        ``"local"`` (default): start a ``LocalCluster(n_workers=workers, threads_per_worker=1)``
        for this call.  ``"tcp://HOST:PORT"``: connect to a running scheduler (an
        :class:`~multigap.errors.InputError` if none answers within ``CONNECT_TIMEOUT`` s).
        A ``Client``: use it as is (it is left open).

    Yields
    ------
    (int, object)
        The task's position and ``func(task)``, in order of completion.

    Raises
    ------
    WorkersLost
        When no worker has been connected for :data:`NO_WORKERS_TIMEOUT` s
        (``MULTIGAP_NO_WORKERS_TIMEOUT``) while tasks are left.
    """
    client, owned = dask_client(scheduler, workers)
    futures: list[Any] = []
    try:
        if not tasks:
            return
        from dask.distributed import as_completed

        patience = no_workers_timeout()
        futures = client.map(func, list(tasks), pure=False)
        index = {fut.key: i for i, fut in enumerate(futures)}
        # one as_completed for the whole run: waiting on the pending set again and again made
        # the client's CPU and memory grow with (chunks)² (1959 chunks: 49 ms CPU per chunk and
        # 2.4 GiB in the calling process; 80 chunks: 9 ms)
        finished = as_completed(futures, with_results=True, raise_errors=False)
        last_seen = polled = time.monotonic()
        while not finished.is_empty():
            batch = finished.next_batch(block=False)
            now = time.monotonic()
            if batch:
                for fut, result in batch:  # in order: the finished chunks before a failure count
                    if fut.status == "error":  # the task raised: as fut.result() would
                        _, exc, tb = result
                        raise exc.with_traceback(tb)
                    if fut.status != "finished":  # cancelled: scheduler connection lost or reset
                        raise WorkersLost(
                            f"Dask cancelled chunk {index[fut.key]} ({result}); the finished "
                            "chunks are kept: run the same command again to resume"
                        )
                    yield index[fut.key], result
                    fut.release()  # the cluster may drop the result now
                last_seen = now
                continue
            if now - polled >= 1.0:  # nothing finished: are there workers at all?
                polled = now
                if _n_workers(client):
                    last_seen = now
                elif now - last_seen > patience:
                    raise WorkersLost(
                        f"no Dask worker has been connected to the scheduler for {patience:g} s "
                        f"with {finished.count()} tasks left (workers died or were stopped); the "
                        "finished chunks are kept: start workers and run the same command again "
                        "to resume"
                    )
            time.sleep(_POLL_INTERVAL)
    finally:
        if futures:
            client.cancel(futures)
        for obj in owned:  # the client first, then the LocalCluster it runs on
            obj.close()


#: Seconds between polls of a Dask run's finished chunks (a chunk takes ~50-100 ms of a worker).
_POLL_INTERVAL = 0.02


def _n_workers(client: Any) -> int:
    """Workers connected to the client's scheduler now (0 if the scheduler cannot say)."""
    try:
        return len(client.scheduler_info(n_workers=-1).get("workers", {}))
    except TypeError:  # older distributed: no n_workers argument
        return len(client.scheduler_info().get("workers", {}))
    except Exception:
        return 0


#: The executors by name (the ``executor`` argument of :func:`compute_map`).
EXECUTORS: dict[str, Executor] = {"serial": serial_map, "processes": process_map, "dask": dask_map}


def resolve_executor(executor: str | None, scheduler: Any) -> str:
    """The executor name for ``executor``/``scheduler`` (default: processes, or dask with a scheduler).

    Examples
    --------
    >>> resolve_executor(None, None), resolve_executor(None, "local")
    ('processes', 'dask')
    """
    if executor is None:
        return "processes" if scheduler is None else "dask"
    if executor not in EXECUTORS:
        raise InputError(f"executor = {executor!r}: must be one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise InputError(f"scheduler = {scheduler!r}: only the 'dask' executor takes a scheduler")
    return executor
