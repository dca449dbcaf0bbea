"""Mã API: a user makes, lists and revokes their personal API tokens (the secret is shown once, never stored)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.stations.tokens import MAX_DAYS, create_api_token, is_valid, revoke_api_token, user_tokens
from broadcast.timeutil import SystemClock
from web.auth import ANY, requires
from web.db import db
from web.helpers import attempt, station, user_row, whole_number

bp = Blueprint("tokens", __name__, url_prefix="/ma-api")


def _page(values: dict | None = None, errors: dict | None = None, secret: str = "", status: int = 200):
    now = SystemClock().now()
    tokens = user_tokens(db(), user_row())
    return render_template("tokens.html", tokens=tokens, valid={t.id: is_valid(t, now) for t in tokens}, values=values or {"days": "90"},
                           errors=errors or {}, secret=secret, max_days=MAX_DAYS, station=station()), status


@bp.route("/")
@requires(*ANY)
def index():
    """The user's tokens and the form to make one."""
    return _page()


@bp.route("/", methods=["POST"])
@requires(*ANY)
def create():
    """Make a token; the page shows its secret this once (never through a flash, which rides in the cookie)."""
    values = {k: request.form.get(k, "").strip() for k in ("name", "days", "scope")}
    days = whole_number(values["days"])
    with attempt("name") as outcome:
        _token, secret = create_api_token(db(), user_row(), values["name"], days, SystemClock().now(),
                                          station() if values["scope"] == "station" else None)
    if not outcome.ok:
        return _page(values, outcome.errors, status=400)
    return _page(secret=secret)


@bp.route("/<int:token_id>/thu-hoi", methods=["POST"])
@requires(*ANY)
def revoke(token_id: int):
    """Revoke one of the user's tokens."""
    with attempt() as outcome:
        revoke_api_token(db(), user_row(), token_id, SystemClock().now())
    if outcome.ok:
        flash("Đã thu hồi mã API: mọi lệnh gọi dùng mã này từ nay bị từ chối.", "success")
    return redirect(url_for("tokens.index"))
