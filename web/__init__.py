"""The Flask panel: create_app is its composition root."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect

from broadcast.config import Settings, load_settings
from broadcast.db import make_engine, make_session_factory, upgrade

csrf = CSRFProtect()


def secret_key(data_dir: Path) -> str:
    """The panel's secret key, generated on first run and kept outside git in data_dir."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip()


def create_app(settings: Settings | None = None, testing: bool = False) -> Flask:
    """Build the panel for a station's settings."""
    settings = settings or load_settings()
    app = Flask(__name__)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    app.config.update(
        SECRET_KEY=secret_key(settings.data_dir),
        LOAXA_SETTINGS=settings,
        LOAXA_SESSIONS=make_session_factory(engine),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        TESTING=testing,
    )
    csrf.init_app(app)

    from web import api_edge, auth, dashboard, filters

    auth.init_app(app)
    filters.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    api_edge.init_app(app)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()

    return app
