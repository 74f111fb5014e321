"""One background thread per explorer tab: the latest change first, long work in small steps.

The page never computes in the server's event loop.  A change of a control posts a *slot*
(``"point"``, ``"gaps"``): a newer post replaces an older one not yet started, so dragging a
slider computes only the latest value.  Long work (the Tc(η) cut, the dome map) is a *task*: a
generator advanced one chunk at a time, and only while no slot is waiting, so the readout stays
live while the dome refines.  :meth:`Worker.cancel` drops a task between two chunks.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Worker"]

#: Slots in priority order (first runs first).
SLOTS = ("point", "gaps")
#: Tasks in priority order.
TASKS = ("cut", "map")


class Worker:
    """A daemon thread that runs the jobs of one tab.

    Parameters
    ----------
    on_error : callable
        Called (in the worker thread) with the slot or task name and the exception of a job that
        failed; the worker keeps running.

    Examples
    --------
    >>> w = Worker(on_error=lambda name, exc: None)
    >>> done = threading.Event()
    >>> w.post("point", done.set)
    >>> done.wait(5)
    True
    >>> w.stop()
    """

    def __init__(self, on_error: Callable[[str, BaseException], None]) -> None:
        self._on_error = on_error
        self._cond = threading.Condition()
        self._slots: dict[str, Callable[[], None]] = {}
        self._tasks: dict[str, Iterator[Any]] = {}
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="multigap-explore", daemon=True)
        self._thread.start()

    def post(self, slot: str, job: Callable[[], None]) -> None:
        """Run ``job`` soon, replacing a job of the same slot that has not started."""
        with self._cond:
            self._slots[slot] = job
            self._cond.notify()

    def start_task(self, name: str, steps: Iterator[Any]) -> None:
        """Advance ``steps`` chunk by chunk when no slot waits (replaces a task of that name)."""
        with self._cond:
            self._tasks[name] = steps
            self._cond.notify()

    def cancel(self, name: str | None = None) -> list[str]:
        """Drop the task ``name`` (all tasks when None) before its next chunk; the names dropped."""
        with self._cond:
            names = [n for n in self._tasks if name is None or n == name]
            for n in names:
                self._tasks.pop(n)
            return names

    def busy(self) -> list[str]:
        """The tasks not yet finished."""
        with self._cond:
            return list(self._tasks)

    def stop(self) -> None:
        """End the thread after the current job."""
        with self._cond:
            self._stopped = True
            self._slots.clear()
            self._tasks.clear()
            self._cond.notify()

    def _next(self) -> tuple[str, Callable[[], None] | None, Iterator[Any] | None] | None:
        with self._cond:
            while not self._stopped and not self._slots and not self._tasks:
                self._cond.wait()
            if self._stopped:
                return None
            for slot in SLOTS:
                if slot in self._slots:
                    return slot, self._slots.pop(slot), None
            for name in TASKS:
                if name in self._tasks:
                    return name, None, self._tasks[name]
            name = next(iter(self._slots))  # a slot not in SLOTS
            return name, self._slots.pop(name), None

    def _run(self) -> None:
        while (item := self._next()) is not None:
            name, job, steps = item
            try:
                if job is not None:
                    job()
                elif steps is not None:
                    try:
                        next(steps)
                    except StopIteration:
                        with self._cond:
                            if self._tasks.get(name) is steps:
                                self._tasks.pop(name)
            except Exception as exc:  # a failed job is shown in the page; the tab keeps working
                with self._cond:
                    if steps is not None and self._tasks.get(name) is steps:
                        self._tasks.pop(name)
                try:
                    self._on_error(name, exc)
                except Exception:  # the thread must outlive a failing report too
                    traceback.print_exc()
