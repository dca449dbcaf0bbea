"""Vietnamese by default, English on request: Flask-Babel with catalogs compiled at start."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, redirect, request, session, url_for
from flask_babel import Babel
from flask_login import login_required

from broadcast.config import Settings

bp = Blueprint("i18n", __name__)
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
SOURCE_DIR = Path(__file__).with_name("translations")


def compile_catalogs(target: Path) -> Path:
    """Compile every .po under web/translations into target (.mo are build output, kept out of git)."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        # A temporary file of this writer's own, then an atomic rename: panel workers starting together each compile
        # (a shared temporary name let one worker rename the other's file away, and that worker failed to boot).
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o644)  # like any build output (mkstemp makes it private)
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)
        except BaseException:
            os.unlink(tmp)
            raise
    return target


def compiled_catalogs(settings: Settings) -> Path:
    """The compiled catalogs of a data dir, compiled now if any .po is newer."""
    return compile_catalogs(settings.data_dir / "translations")


def select_locale() -> str:
    """The language chosen with the switch, else Vietnamese."""
    lang = session.get("lang", "vi")
    return lang if lang in LANGUAGES else "vi"


def init_app(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Wire Flask-Babel with the station's time zone."""
    directory = compiled_catalogs(settings)
    app.config.update(BABEL_DEFAULT_LOCALE="vi", BABEL_DEFAULT_TIMEZONE=settings.timezone, BABEL_TRANSLATION_DIRECTORIES=str(directory))
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def languages():  # type: ignore[no-untyped-def]
        return {"languages": LANGUAGES, "current_lang": select_locale()}


@bp.route("/ngon-ngu", methods=["POST"])
@login_required
def switch_language():
    """Remember the chosen language in the session."""
    lang = request.form.get("lang", "vi")
    session["lang"] = lang if lang in LANGUAGES else "vi"
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("dashboard.home")
    return redirect(target)
