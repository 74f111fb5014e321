"""``multigap explore``: an interactive explorer of the Tc(η, g) dome in the browser.

* :mod:`.state` — the computations of one tab (no web framework; tested without a browser);
* :mod:`.worker` — the tab's background thread: the latest change first, long work in chunks;
* :mod:`.views` — the Bokeh figures (band structure, Fermi surface, DOS, Tc(η), dome);
* :mod:`.app` — the Panel page: controls, views, numbers, downloads;
* :mod:`.server` — :func:`serve` (the Bokeh/Panel server and a small JSON endpoint).

Only :mod:`.state` and :mod:`.worker` import without the ``explore`` extra (Panel, Bokeh).
"""

from __future__ import annotations

from .state import Explorer, MapCache, Parameters, PointResult, error_line

__all__ = ["Explorer", "MapCache", "Parameters", "PointResult", "error_line"]
