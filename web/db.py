"""One database session per request."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from broadcast.config import Settings


def db() -> Session:
    """The request's session (closed at teardown)."""
    if "db" not in g:
        g.db = current_app.config["LOAXA_SESSIONS"]()
    return g.db


def settings() -> Settings:
    """The panel's settings."""
    return current_app.config["LOAXA_SETTINGS"]
