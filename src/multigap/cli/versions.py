"""``multigap show-versions``: the software stack, for bug reports."""

from __future__ import annotations

import json

import click

from .. import __version__

__all__ = ["COMMANDS", "versions"]

_VERSION_PACKAGES = (
    "numpy",
    "scipy",
    "xarray",
    "h5netcdf",
    "h5py",
    "matplotlib",
    "click",
    "tqdm",
    "tomli-w",
    "dask",
    "distributed",
)


def versions() -> dict[str, str]:
    """Versions of multigap, Python, its dependencies (``not installed`` if absent) and the platform.

    Examples
    --------
    >>> versions()["multigap"] == __version__
    True
    """
    import os
    import platform
    from importlib.metadata import PackageNotFoundError, version

    info = {
        "multigap": __version__,
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    for pkg in _VERSION_PACKAGES:
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = "not installed"
    info["platform"] = platform.platform()
    info["machine"] = platform.machine()
    info["cpu_count"] = str(os.cpu_count())
    return info


@click.command("show-versions")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
def show_versions(as_json: bool) -> None:
    """Versions of multigap, Python, the libraries it uses, and the platform (for bug reports)."""
    info = versions()
    if as_json:
        click.echo(json.dumps(info))
        return
    width = max(len(k) for k in info)
    for key, value in info.items():
        click.echo(f"{key:<{width}}  {value}")


#: The commands this module adds to ``multigap``.
COMMANDS = (show_versions,)
