"""The explorer's server: the Panel page at ``/`` and a small JSON endpoint ``/api/tc``.

``GET /api/tc?model=A&eta=0.5&g=0.3`` answers the numbers of the page's readout as JSON
(``multigap tc``'s Tc at the same parameters); a bad request is answered with status 400 and
``{"error": "<the command line's one line>"}``, an unknown path with 404 — never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tornado.web

from ..errors import MultigapError
from .state import Explorer, MapCache, Parameters, error_line, parameters_from_query, upload_name

__all__ = ["TcHandler", "free_port", "make_server", "serve"]


class _QuietHandler(tornado.web.RequestHandler):
    """Errors as one line of JSON with the status, never a traceback page."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": self._reason or "error", "status": status_code}))


class TcHandler(_QuietHandler):
    """``GET /api/tc?<query>``: the page's numbers at the parameters of the query string."""

    def initialize(self, cache: MapCache, files: dict[str, bytes]) -> None:
        self.cache = cache
        self.files = files

    def get(self) -> None:
        args = {
            k: [v.decode("utf-8", "replace") for v in vs] for k, vs in self.request.query_arguments.items()
        }
        explorer = Explorer(self.cache)
        try:
            for name, data in self.files.items():
                explorer.upload(name, data)
            params = parameters_from_query(args)
            result = explorer.point(params)
        except MultigapError as exc:
            self.set_status(400)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": error_line(exc), "status": 400}))
            return
        finally:
            explorer.close()
        self.set_header("Content-Type", "application/json; charset=utf-8")
        numbers = result.numbers()
        self.finish(json.dumps({**numbers, "eta": params.eta, "model": params.model}, allow_nan=True))

    def post(self) -> None:
        self.send_error(405, reason="use GET /api/tc?model=A&eta=0.5")


def _quiet_disconnects(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's exception handler without the traceback of a tab closed while it was updated.

    Tornado leaves "Task exception was never retrieved" with a WebSocketClosedError when a
    browser tab goes away in the middle of a websocket write; nothing is wrong, so nothing is
    printed.  Every other exception goes to asyncio's default handler.
    """
    from tornado.iostream import StreamClosedError
    from tornado.websocket import WebSocketClosedError

    if isinstance(context.get("exception"), (WebSocketClosedError, StreamClosedError)):
        return
    loop.default_exception_handler(context)


def free_port(host: str) -> int:
    """A free TCP port on ``host`` (asked from the operating system)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def make_server(
    initial: Parameters, *, host: str = "127.0.0.1", port: int = 5006, files: dict[str, bytes] | None = None
) -> Any:
    """A started-but-not-running Bokeh server of the explorer (call ``io_loop.start()``).

    Parameters
    ----------
    initial : Parameters
        The controls every new tab starts with.
    host : str
        Address to bind (default loopback only).
    port : int
        TCP port; 0 picks a free one (see the server's ``port``).
    files : dict, optional
        Model files from the command line, name -> contents, offered in every tab.
    """
    import panel as pn

    from .app import make_page

    files = dict(files or {})
    port = port or free_port(host)
    cache = MapCache()

    def page() -> Any:  # a plain function: Panel calls it once per tab
        return make_page(cache, initial, files)

    loopback = host in ("127.0.0.1", "localhost", "::1")
    # on loopback only pages of this server may open its websocket; a server bound to another
    # address (asked for with --host) is reached under names it cannot know in advance
    origins = [f"{h}:{port}" for h in {host, "localhost", "127.0.0.1"}] if loopback else ["*"]
    return pn.serve(
        {"/": page},
        port=port,
        address=host,
        websocket_origin=origins,
        show=False,
        start=False,
        title="multigap explore",
        verbose=False,
        extra_patterns=[(r"/api/tc", TcHandler, {"cache": cache, "files": files})],
        check_unused_sessions=5000,
        unused_session_lifetime=15000,
    )


def serve(
    model: str = "A",
    *,
    host: str = "127.0.0.1",
    port: int = 5006,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the explorer until interrupted, printing its address with ``echo``.

    Parameters
    ----------
    model : str
        ``"A"``, ``"B"`` or a TOML model file (read and validated now, as ``--model``).
    host, port : str, int
        Where to listen (default 127.0.0.1:5006; port 0: a free one).
    echo : callable
        Receives the line with the address.

    Raises
    ------
    ModelError
        An invalid model file (the command line's message).

    Examples
    --------
    >>> serve("A", port=0)  # doctest: +SKIP
    multigap explore: open http://127.0.0.1:40213/ (Ctrl-C to stop)
    """
    from ..presets import PRESETS, resolve_model

    files: dict[str, bytes] = {}
    name = model
    if model not in PRESETS:
        resolve_model(model)  # the command line's checks and messages
        name = upload_name(model)
        files[name] = Path(model).read_bytes()
    server = make_server(Parameters(model=name), host=host, port=port, files=files)
    server.io_loop.asyncio_loop.set_exception_handler(_quiet_disconnects)
    server.start()
    shown = f"[{host}]" if ":" in host else host
    echo(f"multigap explore: open http://{shown}:{server.port}/ (Ctrl-C to stop)")
    server.io_loop.start()
