"""Small helpers the views share: the station, the user row, running a use case into field errors."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from flask import abort, g, request
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from broadcast.errors import NotFound, operator_errors
from broadcast.models import Station, User
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import SystemClock, parse_local_date
from web.auth import current_station_id
from web.db import db, settings


def station() -> Station:
    """The station the logged-in user works on now (chosen with the station switch)."""
    found = db().get(Station, current_station_id())
    if found is None:
        raise NotFound("Đài đang chọn không còn trong cơ sở dữ liệu: hãy đăng nhập lại.")
    return found


def tz() -> ZoneInfo:
    """The current station's time zone (the configured one before login)."""
    # Kept for the request (a log page formats 150 times). The zone comes with the user's stations, loaded by every
    # request: no station look-up. Switching station or logging in ends with a redirect, so a new request starts afresh.
    cached = g.get("station_tz")
    if cached is None:
        cached = g.station_tz = station_tz(current_user.station) if current_user and current_user.is_authenticated else settings().tz
    return cached


def user_row() -> User:
    """The logged-in user's database row."""
    return db().get(User, current_user.db_id)


def today() -> date:
    """Today in the station's zone."""
    return SystemClock().now().astimezone(tz()).date()


def parse_date(text: str | None, default: date | None = None) -> date | None:
    """A date typed as YYYY-MM-DD or DD/MM/YYYY, or the default when empty or wrong."""
    if not text:
        return default
    try:
        return parse_local_date(text)
    except ValueError:
        return default


class Outcome:
    """What a use case run left: field errors and a general error."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors


@contextmanager
def attempt(default_field: str = "_") -> Iterator[Outcome]:
    """Run a use case in the request's session: commit on success, roll back and keep the message on error."""
    outcome = Outcome()
    session = db()
    try:
        yield outcome
        session.commit()
    except NotFound:
        session.rollback()
        abort(404)
    except operator_errors() as exc:
        session.rollback()
        outcome.errors[getattr(exc, "field", None) or default_field] = str(exc)


@contextmanager
def saved_upload(upload: FileStorage | None) -> Iterator[Path | None]:
    """An uploaded file saved under a name of ours in data_dir/uploads (its own name is only shown), removed afterwards;
    None when no file was chosen."""
    if upload is None or not upload.filename:
        yield None
        return
    folder = settings().data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(secure_filename(upload.filename)).suffix.lower()}"
    try:
        upload.save(path)
        yield path
    finally:
        path.unlink(missing_ok=True)


def whole_number(text: str) -> int | None:
    """A whole number typed in a form (an id, a count of days), or None: 5,000 digits or '²' are no number, never a traceback."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def form_ids(name: str) -> list[int]:
    """The ids ticked in a form's checkboxes of that name (zones...); what is no whole number is left out."""
    return [number for number in map(whole_number, request.form.getlist(name)) if number is not None]
