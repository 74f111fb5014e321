"""The explorer page (Panel): controls on the left, five views and the numbers on the right.

One :class:`ExplorerPage` per browser tab (Panel calls :func:`make_page` for each session), with
its own :class:`~multigap.explore.state.Explorer` and :class:`~multigap.explore.worker.Worker`:
tabs share nothing but the server's dome-map cache.  Controls post work to the worker; the
worker hands the results back to the tab's Bokeh document with ``add_next_tick_callback``, so
the page is only touched in the server's event loop.
"""

from __future__ import annotations

import html
import io
import math
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import panel as pn

from ..errors import MultigapError
from ..presets import PRESETS
from . import views as V
from .state import Explorer, MapCache, MapState, Parameters, PointResult, error_line, parameters_from_query
from .worker import Worker

if TYPE_CHECKING:
    import xarray as xr
    from bokeh.document import Document

__all__ = ["DATA_VIEWS", "ExplorerPage", "make_page"]

#: What the data download offers: label -> key.
DATA_VIEWS = {
    "numbers (current point)": "point",
    "band structure": "bands",
    "Fermi surface": "fermi",
    "DOS": "dos",
    "Tc(η) cut": "cut",
    "dome Tc(η, g)": "dome",
}
#: Latencies kept for the page's "updated in" note and for measurements (seconds).
KEEP_LATENCIES = 200


def _fmt(x: float, digits: int = 4) -> str:
    return "–" if not math.isfinite(x) else f"{x:.{digits}g}"


class ExplorerPage:
    """The controls, views and state of one tab.

    Parameters
    ----------
    cache : MapCache
        The server's dome-map cache.
    initial : Parameters
        The starting controls (from the command line and the page's query string).
    error : str, optional
        A message to show at once (e.g. a bad query string).
    """

    def __init__(
        self,
        cache: MapCache,
        initial: Parameters,
        error: str = "",
        files: dict[str, bytes] | None = None,
    ) -> None:
        from ..theories import available_bounds, available_theories

        self.explorer = Explorer(cache)
        for name, data in (files or {}).items():
            self.explorer.upload(name, data)
        self.doc: Document | None = pn.state.curdoc
        self.worker = Worker(on_error=self._job_failed)
        self.latencies: list[float] = []
        self._touched: set[str] = set()
        self._cut_key = ""
        self._map_key = ""
        self._last: PointResult | None = None
        self._cut: xr.Dataset | None = None
        self._map: MapState | None = None
        self._loading = False
        self._running: dict[str, float] = {}  # long computations in progress: label -> fraction

        p = initial
        # ------------------------------------------------------------------------ controls
        models = [*PRESETS, *self.explorer.uploads]
        self.model = pn.widgets.Select(
            label="Model", options=models, value=p.model if p.model in models else "A", css_classes=["model"]
        )
        self.upload = pn.widgets.FileInput(accept=".toml", multiple=False, css_classes=["upload"])
        self.eta = pn.widgets.EditableFloatSlider(
            label="η = (μ₀ − E_L)/ΔE", start=-0.5, end=2.5, step=0.01, value=p.eta, css_classes=["eta"]
        )
        self.g = pn.widgets.EditableFloatSlider(
            label="g (active band)", start=0.02, end=0.48, step=0.005, value=0.25, css_classes=["g"]
        )
        self.omega0 = pn.widgets.EditableFloatSlider(
            label="ω₀ (meV)", start=10.0, end=1000.0, step=5.0, value=330.0, css_classes=["omega0"]
        )
        self.interband = pn.widgets.EditableFloatSlider(
            label="interband g_nn'", start=-0.1, end=0.2, step=0.005, value=0.02, css_classes=["interband"]
        )
        self.theory = pn.widgets.Select(
            label="Pairing theory", options=available_theories(), value=p.theory, css_classes=["theory"]
        )
        self.bound = pn.widgets.Select(
            label="Bound", options=available_bounds(), value=p.bound, css_classes=["bound"]
        )
        self.error = pn.pane.HTML("", css_classes=["error-line"], styles={"color": "#b00020"}, width=320)
        self.progress = pn.indicators.Progress(value=0, max=100, width=200, active=False, visible=False)
        self.progress_text = pn.pane.HTML("", css_classes=["progress-text"])
        self.cancel = pn.widgets.Button(label="Cancel", color="warning", disabled=True)
        self.numbers = pn.pane.HTML("", css_classes=["numbers"], width=320)
        # ------------------------------------------------------------------------ downloads
        self.what = pn.widgets.Select(label="Data of", options=list(DATA_VIEWS))
        self.dl_nc = pn.widgets.FileDownload(
            callback=partial(self._data, "nc"), filename="point.nc", label="NetCDF"
        )
        self.dl_csv = pn.widgets.FileDownload(
            callback=partial(self._data, "csv"), filename="point.csv", label="CSV"
        )
        self.dl_toml = pn.widgets.FileDownload(
            callback=self._toml, filename="explore.toml", label="Model TOML"
        )
        self.command = pn.widgets.TextAreaInput(
            label="Command line", value="", disabled=True, height=90, css_classes=["command"]
        )
        self.dl_cmd = pn.widgets.FileDownload(
            callback=self._commands, filename="explore.sh", label="Commands"
        )
        # ------------------------------------------------------------------------ views
        self.views = {
            "bands": V.bands_view(),
            "fermi": V.fermi_view(),
            "dos": V.dos_view(),
            "cut": V.cut_view(),
            "dome": V.dome_view(),
        }
        self._model_defaults(p)
        self.explorer_params = self._params()
        # ------------------------------------------------------------------------ wiring
        for w in (self.eta, self.g, self.omega0, self.interband, self.theory, self.bound):
            w.param.watch(self._changed, "value")
        self.model.param.watch(self._model_changed, "value")
        self.upload.param.watch(self._uploaded, "value")
        self.cancel.on_click(self._cancel)
        self.what.param.watch(self._what_changed, "value")
        if p.model not in models:
            error = error or error_line(
                MultigapError(
                    f"--model {p.model!r}: neither a preset ({', '.join(PRESETS)}) nor an uploaded file"
                )
            )
        self._sticky = html.escape(error)  # a bad query string: shown until the first change
        self.error.object = self._sticky
        self._submit(time.perf_counter())

    # ------------------------------------------------------------------------------ layout
    def layout(self) -> pn.viewable.Viewable:
        """The page."""
        v = {k: pn.pane.Bokeh(view.fig) for k, view in self.views.items()}
        controls = pn.Column(
            "## multigap explore",
            self.model,
            pn.pane.HTML("or open a TOML model file:"),
            self.upload,
            self.eta,
            self.g,
            self.omega0,
            self.interband,
            self.theory,
            self.bound,
            self.error,
            pn.Row(self.progress, self.cancel),
            self.progress_text,
            self.numbers,
            pn.pane.HTML("<b>Downloads</b> (PNG of a view: the save tool above it)"),
            self.what,
            pn.Row(self.dl_nc, self.dl_csv),
            pn.Row(self.dl_toml, self.dl_cmd),
            self.command,
            width=340,
        )
        grid = pn.Column(
            pn.Row(v["bands"], v["fermi"], v["dos"]),
            pn.Row(v["cut"], v["dome"]),
        )
        return pn.Row(controls, grid)

    # ------------------------------------------------------------------------- parameters
    def _model_defaults(self, p: Parameters) -> None:
        """Set g, ω₀, interband to the model's values (or those of ``p``), unmarked as changed."""
        try:
            m, _, _ = self.explorer.resolve(p.with_(g=None, omega0=None, interband=None))
        except MultigapError:
            return
        a = m.active_band - 1
        gm = np.array(m.pairing.g, dtype=float)
        off = gm[~np.eye(m.n_bands, dtype=bool)]
        self._touched = {k for k in ("g", "omega0", "interband") if getattr(p, k) is not None}
        self.g.value = p.g if p.g is not None else float(gm[a, a])
        self.omega0.value = p.omega0 if p.omega0 is not None else float(m.pairing.omega0)
        self.interband.value = (
            p.interband if p.interband is not None else (float(off[0]) if off.size else 0.0)
        )

    def _params(self) -> Parameters:
        def number(w: Any) -> float:
            return math.nan if w.value is None else float(w.value)  # an emptied box: NaN, refused

        return Parameters(
            model=str(self.model.value),
            eta=number(self.eta),
            g=number(self.g) if "g" in self._touched else None,
            omega0=number(self.omega0) if "omega0" in self._touched else None,
            interband=number(self.interband) if "interband" in self._touched else None,
            theory=str(self.theory.value),
            bound=str(self.bound.value),
        )

    def _changed(self, event: Any) -> None:
        if self._loading:
            return
        self._sticky = ""
        for name, w in (("g", self.g), ("omega0", self.omega0), ("interband", self.interband)):
            if event.obj is w:
                self._touched.add(name)
        self._submit(time.perf_counter())

    def _model_changed(self, event: Any) -> None:
        self._sticky = ""
        self._loading = True
        try:
            self._model_defaults(Parameters(model=str(event.new)))
        finally:
            self._loading = False
        self._submit(time.perf_counter())

    def _uploaded(self, event: Any) -> None:
        if not event.new:
            return
        try:
            name = self.explorer.upload(str(self.upload.filename or "model.toml"), bytes(event.new))
        except MultigapError as exc:
            self.error.object = html.escape(error_line(exc))
            return
        if name not in self.model.options:
            self.model.options = [*self.model.options, name]
        self.model.value = name

    # ------------------------------------------------------------------------------ work
    def _submit(self, t0: float) -> None:
        p = self._params()
        self.explorer_params = p
        self.worker.post("point", partial(self._compute_point, p, t0))

    def _later(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` in the document's event loop (from the worker thread)."""
        if self.doc is None:
            fn()
            return
        try:
            self.doc.add_next_tick_callback(fn)
        except Exception:  # the tab was closed meanwhile: nothing to update
            self.worker.stop()

    def _compute_point(self, p: Parameters, t0: float) -> None:
        try:
            r = self.explorer.point(p)
            s = self.explorer.structure(p)
            fs = self.explorer.fermi(p)
        except MultigapError as exc:
            self._later(partial(self._show_error, error_line(exc)))
            return
        self._later(partial(self._apply_point, r, s, fs, t0))
        self.worker.post("gaps", partial(self._compute_details, r))
        cut_key = repr(p.with_(eta=0.0))
        if cut_key != self._cut_key:
            self._cut_key = cut_key
            self.worker.start_task("cut", self._cut_steps(p))
        map_key = self.explorer.map_key(p)
        if map_key != self._map_key:
            self._map_key = map_key
            self.worker.start_task("map", self._map_steps(p))

    def _compute_details(self, r: PointResult) -> None:
        if self.explorer_params != r.params:
            return  # superseded
        full = self.explorer.details(r)
        self._later(partial(self._apply_numbers, full))

    def _cut_steps(self, p: Parameters) -> Any:
        self._later(partial(self._clear, "cut", "Tc(η): computing…"))
        self._later(partial(self._show_progress, "Tc(η) cut", 0.0))
        yield 0.0
        for fraction, ds in self.explorer.cut_chunks(p):
            self._later(partial(self._show_progress, "Tc(η) cut", fraction))
            if ds is not None:
                self._later(partial(self._apply_cut, ds, p))
            yield fraction

    def _map_steps(self, p: Parameters) -> Any:
        self._later(partial(self._clear, "dome", "Dome Tc(η, g): computing the coarse map…"))
        self._later(partial(self._show_progress, "dome", 0.0))
        yield 0.0
        for state in self.explorer.map_chunks(p):
            snapshot = MapState(state.eta, state.g, state.tc.copy(), state.computed.copy(), state.key)
            self._later(partial(self._apply_map, snapshot))
            yield state.fraction

    def _job_failed(self, name: str, exc: BaseException) -> None:
        self._later(partial(self._show_error, error_line(exc)))

    def _cancel(self, event: Any) -> None:
        names = self.worker.cancel()
        self._running.clear()
        self.progress.visible = False
        self.cancel.disabled = True
        self.progress_text.object = f"cancelled: {', '.join(names)}" if names else ""
        if "cut" in names:
            self._cut_key = ""
            V.set_title(self.views["cut"], "Tc(η): cancelled (change a control to compute it)")
        if "map" in names:
            self._map_key = ""
            V.set_title(self.views["dome"], "Dome: cancelled (change a control to compute it)")

    # ------------------------------------------------------------------ in the event loop
    def _clear(self, name: str, title: str) -> None:
        """Empty a view whose data no longer match the controls (a new cut or dome is coming)."""
        view = self.views[name]
        V.clear(view, title)
        if name == "cut":
            self._cut = None
        else:
            self._map = None

    def _show_error(self, line: str) -> None:
        self.error.object = html.escape(line)

    def _show_progress(self, label: str, fraction: float) -> None:
        """Progress of the long computations still running (the bar shows the first)."""
        if fraction >= 1.0:
            self._running.pop(label, None)
        else:
            self._running[label] = fraction
        done = not self._running
        self.progress.visible = not done
        self.progress.active = not done
        self.cancel.disabled = done
        if done:
            self.progress_text.object = ""
            return
        value = next(iter(self._running.values()))
        self.progress.value = int(100 * value)
        self.progress_text.object = "; ".join(f"{k}: {100 * v:.0f}%" for k, v in self._running.items())

    def _apply_point(self, r: PointResult, s: Any, fs: Any, t0: float) -> None:
        if r.params != self.explorer_params:
            return
        self.error.object = self._sticky
        if self.views["bands"].extra.get("structure") is not s:
            V.update_bands(self.views["bands"], s)
            V.update_dos(self.views["dos"], s)
            self.views["bands"].extra["structure"] = s
        V.update_fermi(self.views["fermi"], fs, r.params.eta, float(s.bands_ds["period"]))
        V.update_marks(self.views, r, s)
        self._last = r
        self.latencies = [*self.latencies[-KEEP_LATENCIES + 1 :], time.perf_counter() - t0]
        self._apply_numbers(r)
        self.command.value = self.explorer.command_line(r.params)

    def _apply_numbers(self, r: PointResult) -> None:
        if r.params != self.explorer_params:
            return
        self._last = (
            r if r.gaps is not None or self._last is None or self._last.params != r.params else self._last
        )
        n = r.numbers()
        a = r.model.active_band - 1
        attrs = (  # the exact numbers, for scripts and tests that read the page
            f'data-tc="{n["tc_K"]!r}" data-eta="{r.params.eta!r}" data-g="{r.model.pairing.g[a][a]!r}" '
            f'data-model="{html.escape(r.params.model)}"'
        )
        rows = [
            ("Tc", f'<span class="tc-value" {attrs}>{_fmt(n["tc_K"], 6)}</span> K'),
            ("status", html.escape(n["status"])),
        ]
        if r.bounded is not None:
            rows.append(("mean-field Tc", f"{_fmt(n['tc_mf_K'], 6)} K"))
        pending = '<span class="pending">computing…</span>'
        rows += [
            ("α (isotope)", _fmt(n["alpha"]) if "alpha" in n else pending),
            ("ω̃₀", f"{_fmt(n['omega_meV'])} meV"),
        ]
        if "gaps_meV" in n:
            gaps = ", ".join(_fmt(x) for x in n["gaps_meV"])
            ratios = ", ".join(_fmt(x) for x in n["gap_ratios"])
            pair = n["anisotropy_bands"]
            rows += [("Δ_n (meV)", gaps), ("2Δ_n/k_BTc", ratios)]
            if pair:
                rows.append((f"Δ{pair[0]}/Δ{pair[1]}", _fmt(n["anisotropy"])))
            rows.append(("μ − μ₀", f"{_fmt(n['mu_shift_meV'])} meV"))
        elif r.theory.has_gaps:
            rows.append(("gaps", pending))
        else:
            rows.append(("gaps", f"not available in theory {html.escape(r.theory.name)}"))
        if self.latencies:
            rows.append(("updated in", f'<span class="latency">{1000 * self.latencies[-1]:.0f}</span> ms'))
        body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
        self.numbers.object = f"<table>{body}</table>"

    def _apply_cut(self, ds: xr.Dataset, p: Parameters) -> None:
        self._cut = ds
        model, _, _ = self.explorer.resolve(p)
        a = model.active_band - 1
        V.update_cut(self.views["cut"], ds["eta"].values, ds["tc"].values, float(model.pairing.g[a][a]))

    def _apply_map(self, state: MapState) -> None:
        if state.key != self._map_key:
            return
        self._map = state
        V.update_dome(self.views["dome"], state)
        self._show_progress("dome", state.fraction)

    # ---------------------------------------------------------------------------- downloads
    def _what_changed(self, event: Any) -> None:
        key = DATA_VIEWS[str(event.new)]
        self.dl_nc.filename = f"{key}.nc"
        self.dl_csv.filename = f"{key}.csv"

    def _dataset(self) -> xr.Dataset:
        from ..errors import InputError

        key = DATA_VIEWS[str(self.what.value)]
        p = self.explorer_params
        if key == "point":
            if self._last is None:
                raise InputError("no point computed yet")
            return self._last.dataset()
        if key == "bands":
            return self.explorer.structure(p).bands_ds
        if key == "dos":
            return self.explorer.structure(p).dos_ds
        if key == "fermi":
            return self.explorer.fermi_dataset(p)
        if key == "cut":
            if self._cut is None:
                raise InputError("the Tc(η) cut is still being computed")
            return self._cut
        if self._map is None:
            raise InputError("the dome map is still being computed")
        return self._map.dataset()

    def _data(self, kind: str) -> io.BytesIO:
        from ..io import write_dataset

        try:
            ds = self._dataset()
        except MultigapError as exc:
            self._show_error(error_line(exc))
            return io.BytesIO(error_line(exc).encode())
        if kind == "csv":
            frame = ds.drop_vars([n for n in ds.data_vars if ds[n].dtype.kind in "OU"]).to_dataframe()
            return io.BytesIO(frame.to_csv().encode())
        with tempfile.TemporaryDirectory(prefix="multigap-explore-") as folder:
            path = write_dataset(ds, Path(folder) / "data.nc")
            return io.BytesIO(path.read_bytes())

    def _toml(self) -> io.BytesIO:
        try:
            return io.BytesIO(self.explorer.model_toml(self.explorer_params).encode())
        except MultigapError as exc:
            self._show_error(error_line(exc))
            return io.BytesIO(error_line(exc).encode())

    def _commands(self) -> io.BytesIO:
        return io.BytesIO((self.explorer.command_line(self.explorer_params) + "\n").encode())

    def close(self) -> None:
        """Stop the worker and remove uploaded files (the tab was closed)."""
        self.worker.stop()
        self.explorer.close()


def make_page(
    cache: MapCache, initial: Parameters, files: dict[str, bytes] | None = None
) -> pn.viewable.Viewable:
    """Build one tab's page (called by Panel for every new session).

    ``files`` are model files given on the command line (name -> contents), offered in the
    model list of every tab.  The page's query string (``?model=B&eta=0.3``) overrides
    ``initial``; a bad one is shown as the command line's one-line message and the defaults are
    used.
    """
    args = {k: [v.decode("utf-8", "replace") for v in vs] for k, vs in (pn.state.session_args or {}).items()}
    error = ""
    try:
        params = parameters_from_query(args, initial)
    except MultigapError as exc:
        params, error = initial, error_line(exc)
    page = ExplorerPage(cache, params, error, files)
    pn.state.on_session_destroyed(lambda ctx: page.close())
    return page.layout()
