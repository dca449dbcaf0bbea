"""Serve the panel: waitress in one process for a commune, gunicorn workers for a province's central panel."""

from __future__ import annotations

import gc

from broadcast.config import Settings

THREADS = 8  # per process: enough for htmx polling and a slow export without starving the other pages
# Per gunicorn worker: pages are CPU-bound under the GIL, so fewer threads shorten the queue inside a busy worker,
# while a few still let an edge player's long audio download run beside pages.
GUNICORN_THREADS = 4
GRACEFUL_TIMEOUT_S = 10  # a stopping gunicorn worker finishes its requests (a slow export) for this long, then is killed


def serve(settings: Settings) -> None:
    """Serve the panel until stopped, with as many processes as settings.web_workers."""
    if settings.web_workers <= 1 and not settings.https:
        from waitress import serve as waitress_serve

        from web import create_app

        waitress_serve(settled(create_app(settings)), host=settings.host, port=settings.port, threads=THREADS, ident="loaxa")
        return
    _prepare_once(settings)
    _make_gunicorn(settings).run()


def _prepare_once(settings: Settings) -> None:
    """Migrate the schema, make the secret key and compile the catalogs in the master, so workers starting together
    find them ready instead of racing to write them."""
    from broadcast.db import make_engine, upgrade
    from web import secret_key
    from web.i18n import compiled_catalogs

    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    secret_key(settings.data_dir)
    compiled_catalogs(settings)


def _make_gunicorn(settings: Settings):  # type: ignore[no-untyped-def]
    """A gunicorn application for the panel (imported late: only a multi-worker panel needs it)."""
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        """gunicorn run from code: each worker builds its own app (no engine or connection crosses a fork).

        keepalive 0: a connection held open stays pinned to one worker, and under load the busiest worker then sets
        the tail (measured: 165 log pages/s with keep-alive, 244 without); behind nginx, upstream connections are
        short-lived anyway.
        """

        def load_config(self) -> None:
            options = {
                "bind": f"{settings.host}:{settings.port}", "workers": settings.web_workers, "worker_class": "gthread",
                "threads": GUNICORN_THREADS, "keepalive": 0, "timeout": 120, "graceful_timeout": GRACEFUL_TIMEOUT_S, "accesslog": None, "errorlog": "-",
                "loglevel": settings.log_level.lower(), "proc_name": "loaxa-web", "preload_app": False,
                "post_worker_init": _say_ready,
            }
            if settings.https:
                # waitress has no TLS: an HTTPS panel (needed for microphones on phones) is served by gunicorn.
                from web.tls import ensure_certificate

                certfile, keyfile = ensure_certificate(settings.data_dir, settings.host)
                options.update(certfile=str(certfile), keyfile=str(keyfile), threads=max(GUNICORN_THREADS, THREADS // settings.web_workers))
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            from web import create_app

            return settled(create_app(settings))

    return Gunicorn()


def settled(app):  # type: ignore[no-untyped-def]
    """The app, with every object built so far moved out of the garbage collector's sight.

    The app, its templates and SQLAlchemy's mappers are ~170,000 objects that live as long as the process. Left in
    the collector's oldest generation, each full collection walks them all (tens of milliseconds on a busy machine)
    inside whichever request triggered it, and a page that allocates more than a static file triggers more of them:
    that pause was the panel's 99th percentile. Frozen, a full collection walks only what requests made.
    """
    gc.collect()
    gc.freeze()
    return app


def _say_ready(worker) -> None:  # type: ignore[no-untyped-def]
    """Log that a worker has built its app: the master listens from the start, but only booted workers answer."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)
