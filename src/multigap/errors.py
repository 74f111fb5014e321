"""Exception classes of multigap.

Every error says what was wrong and what to change: the field, the value and the rule.
"""

from __future__ import annotations

__all__ = [
    "MultigapError",
    "ModelError",
    "BandStructureError",
    "ConvergenceError",
    "InputError",
    "NormalStateCollapse",
    "NonFiniteError",
    "WorkersLost",
]


class MultigapError(Exception):
    """Base class of every error raised on purpose by multigap."""


class ModelError(MultigapError, ValueError):
    """A model parameter (or model file) is missing, misspelt, of the wrong type or unphysical."""


class BandStructureError(MultigapError, RuntimeError):
    """The band structure could not be computed for this model (e.g. overflow, missing bands)."""


class ConvergenceError(MultigapError, RuntimeError):
    """An iterative solver did not converge; the message gives the residual and iterations."""


class InputError(MultigapError, ValueError):
    """A call argument (η, g, grid, file) is invalid; the message names it and the rule."""


class NormalStateCollapse(ConvergenceError):
    """The gap solver found only the normal state (all gaps 0) below the Tc it started from.

    Callers that read a collapse as "the state is normal here" (e.g. the superfluid weight near
    T_MF) catch this class instead of matching the message text.
    """


class NonFiniteError(ConvergenceError):
    """An intermediate value of a solver (μ₀, an eigenvalue, a kernel, a result) is not finite.

    The input lies beyond what double precision computes; it is never reported as a result
    (a sweep stores the point as ``failed`` with this message).
    """


class WorkersLost(MultigapError, RuntimeError):
    """Every worker of a Dask cluster has gone for longer than the stated wait.

    A map keeps its finished chunks; the same command resumes it once workers are back.
    """
