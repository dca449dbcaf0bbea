"""Audio files served by database id only: a path never comes from the request."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_file

from broadcast.models import Recording, Render
from web.auth import ANY, requires
from web.db import db
from web.helpers import station

bp = Blueprint("media", __name__, url_prefix="/am-thanh")


def _send(row: Render | Recording | None):  # type: ignore[no-untyped-def]
    if row is None or row.station_id != station().id or not Path(row.path).is_file():
        abort(404)
    return send_file(row.path, mimetype="audio/wav", conditional=True, max_age=3600)


@bp.route("/ban-doc/<int:render_id>.wav")
@requires(*ANY)
def render_audio(render_id: int):
    """A synthesized render."""
    return _send(db().get(Render, render_id))


@bp.route("/ban-ghi/<int:recording_id>.wav")
@requires(*ANY)
def recording_audio(recording_id: int):
    """A prepared recording."""
    return _send(db().get(Recording, recording_id))
