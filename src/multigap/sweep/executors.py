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

import multiprocessing
import os
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from ..errors import InputError

__all__ = [
    "CONNECT_TIMEOUT",
    "EXECUTORS",
    "Executor",
    "dask_client",
    "dask_map",
    "n_workers",
    "process_map",
    "resolve_executor",
    "serial_map",
]

#: Seconds to wait for a Dask scheduler at a ``tcp://`` address before giving up.
CONNECT_TIMEOUT = 5.0

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
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_process_context())
    try:
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
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
        cluster = LocalCluster(
            n_workers=n_workers(workers), threads_per_worker=1, processes=True, dashboard_address=":0"
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
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"scheduler = {scheduler!r}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}); start one with 'dask scheduler' and workers with "
            f"'dask worker {scheduler}', or use scheduler='local'"
        ) from None
    return client, [client]


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
    """
    client, owned = dask_client(scheduler, workers)
    futures: list[Any] = []
    try:
        if not tasks:
            return
        from dask.distributed import as_completed

        futures = client.map(func, list(tasks), pure=False)
        index = {fut.key: i for i, fut in enumerate(futures)}
        for fut, result in as_completed(futures, with_results=True):
            yield index[fut.key], result
    finally:
        if futures:
            client.cancel(futures)
        for obj in owned:  # the client first, then the LocalCluster it runs on
            obj.close()


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
