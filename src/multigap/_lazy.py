"""Lazy public names of a package (PEP 562): a name's module is imported on first access.

``import multigap``, ``multigap.sweep`` and ``multigap.figures`` use it, so that importing a
package costs nothing until a name is used: the command line starts without scipy, sweep
workers never import xarray, data helpers never import matplotlib (tests/test_startup.py).
Imports nothing but the standard library.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of a package with lazy public names.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (it must be in ``sys.modules``: call this in its body).
    names : mapping of str to str
        Public name -> the submodule of ``package`` that defines it.

    Returns
    -------
    (__getattr__, __dir__)
        ``__getattr__(name)`` imports ``names[name]``'s module, stores the value in the
        package (later look-ups skip it) and returns it; unknown names raise AttributeError.

    Examples
    --------
    >>> getattr_, dir_ = lazy_attributes("multigap", {"preset": "presets"})
    >>> getattr_("preset").__name__, "preset" in dir_()
    ('preset', True)
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value  # later look-ups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
