"""The Flask panel: create_app is its composition root."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from broadcast.audit.capture import track
from broadcast.config import Settings, load_settings
from broadcast.errors import NotFound, PermissionDenied
from broadcast.db import make_engine, make_session_factory, upgrade
from web.converters import RowIdConverter

csrf = CSRFProtect()


def secret_key(data_dir: Path) -> str:
    """The panel's secret key, generated on first run and kept outside git in data_dir."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"secret_key.{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        # link() never replaces: when panel workers start together, the first key wins and all of them read it.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip()


def create_app(settings: Settings | None = None, testing: bool = False) -> Flask:
    """Build the panel for a station's settings."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.url_map.converters["int"] = RowIdConverter  # before any route: PostgreSQL answers an id past int4 with an error
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    app.config.update(
        SECRET_KEY=secret_key(settings.data_dir),
        LOAXA_SETTINGS=settings,
        LOAXA_SESSIONS=sessions,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024 + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=settings.session_minutes * 60,
        TESTING=testing,
    )
    csrf.init_app(app)

    from web import actions, admin, api_edge, api_receivers, api_v1, api_v1_ops, approval, audit, auth, bulletins, campaigns, dashboard, emergency, filters, i18n, library, live, log, media, page_cache, receivers, reports, schedule, scripts, slots, stations, tokens

    track(sessions, actions.current_action)  # every commit of a request appends its audit row in the same transaction
    auth.init_app(app)
    filters.init_app(app)
    i18n.init_app(app, settings)
    page_cache.init_app(app)
    for module in (auth, dashboard, scripts, library, approval, campaigns, schedule, slots, emergency, live, bulletins, log, reports, admin, audit, tokens, media, i18n, stations, receivers):
        app.register_blueprint(module.bp)
    api_edge.init_app(app)
    api_receivers.init_app(app)
    csrf.exempt(api_v1.blp)  # bearer tokens only (the guard in web.auth ignores the cookie there): no CSRF to forge
    api_v1.init_app(app, api_v1_ops)  # the operations' routes join the blueprint before it is mounted

    @app.errorhandler(CSRFError)
    def csrf_failed(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Phiên làm việc đã hết hạn", message="Biểu mẫu đã cũ hoặc thiếu mã bảo vệ: hãy tải lại trang rồi thử lại."), 400

    @app.errorhandler(413)
    def too_large(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Tệp quá lớn", message=f"Tệp tải lên vượt giới hạn {settings.max_upload_mb} MB: hãy nén hoặc cắt ngắn rồi tải lại."), 413

    @app.errorhandler(NotFound)
    def not_found(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Không tìm thấy", message=str(_e)), 404

    @app.errorhandler(PermissionDenied)
    def denied(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Không có quyền", message=str(_e)), 403

    @app.errorhandler(500)
    def server_error(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Có lỗi", message="Máy chủ gặp lỗi khi làm việc này: hãy thử lại, nếu vẫn lỗi hãy báo quản trị."), 500

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()

    return app
