"""Phát trực tiếp: the browser's microphone on air through the playout process, in short sequential chunk posts.

Transport: MediaRecorder (Opus in WebM) cut every 250 ms, each piece POSTed in order with the CSRF header. Chosen over a
WebSocket because it works unchanged under waitress (a commune's one process, no WebSocket) and gunicorn (any worker
takes any chunk: they land in a spool folder the player reads), survives a proxy, and a dropped connection is retried
per chunk; the price is latency of about one chunk length (measured in bench/live_bench.py).
"""

from __future__ import annotations

import os
import threading

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from audio.capture import Capture
from broadcast.errors import Conflict, NotFound, PermissionDenied, operator_errors
from broadcast.models import Campaign, LiveSession, Role
from broadcast.playout import live as rules
from broadcast.stations.users import role_at
from broadcast.timeutil import SystemClock
from web.auth import REVIEW, requires
from web.db import db, settings
from web.helpers import form_ids, station, user_row, whole_number

bp = Blueprint("live", __name__, url_prefix="/truc-tiep")


def _allowed() -> bool:
    return rules.may_go_live(role_at(user_row(), station().id), bool(station().live_approvers))


@bp.app_context_processor
def _nav() -> dict:
    def may_go_live() -> bool:
        """Whether the menu shows Phát trực tiếp: the page's own rule (the station is read for approvers only)."""
        if not current_user.is_authenticated:
            return False
        return rules.may_go_live(current_user.role, current_user.role == Role.APPROVER and bool(station().live_approvers))

    return {"may_go_live": may_go_live}


def _refuse(exc: Exception, status: int = 400):  # type: ignore[no-untyped-def]
    db().rollback()
    for kind, code in ((PermissionDenied, 403), (NotFound, 404), (Conflict, 409)):
        if isinstance(exc, kind):
            status = code
    return jsonify(ok=False, error=str(exc)), status


def _state(live: LiveSession) -> dict:
    elapsed = live.seconds if live.status == rules.ENDED else (
        (SystemClock().now() - live.started_at).total_seconds() if live.started_at else 0.0)
    return {"ok": True, "id": live.id, "status": live.status, "elapsed_s": round(max(0.0, elapsed), 1),
            "interrupted": live.interrupted, "end_reason": live.end_reason, "seconds": live.seconds}


@bp.route("/", methods=["GET"])
@requires(*REVIEW)
def index():
    """The live page: zones, jingle, campaign, one button, level meter, elapsed time, what was interrupted."""
    if not _allowed():
        abort(403)
    st = station()
    campaigns = db().query(Campaign).filter(Campaign.station_id == st.id).order_by(Campaign.start_date.desc(), Campaign.name).all()
    mine = [s for s in rules.active_sessions(db(), st) if s.user_id == current_user.db_id]
    return render_template("live.html", zones=st.zones, campaigns=campaigns, active=rules.active_sessions(db(), st),
                           mine=mine[0] if mine else None, silence_s=settings().live_silence_s,
                           station_input=bool(settings().live_input))


def _ask(source: str) -> LiveSession:
    """Ask the player for the air on the posted zones, with the posted campaign and jingle choice."""
    zones = form_ids("zones")
    campaign = request.form.get("campaign_id", "")
    live = rules.start_live(db(), settings(), station(), zones, user=user_row(), campaign_id=whole_number(campaign),
                            jingle=request.form.get("jingle") == "yes", source=source)
    db().commit()
    return live


@bp.route("/bat-dau", methods=["POST"])
@requires(*REVIEW)
def start():
    """Ask the player for the air on the chosen zones; the browser starts sending when the status says on_air."""
    try:
        live = _ask("browser")
    except operator_errors() as exc:
        return _refuse(exc)
    return jsonify(_state(live))


@bp.route("/may-cua-dai", methods=["POST"])
@requires(*REVIEW)
def station_input():
    """Go live from the playout machine's own microphone or line input (LOAXA_LIVE_INPUT), ended from this page."""
    if not settings().live_input:
        return jsonify(ok=False, error="Máy phát chưa khai báo micro hay đường vào (LOAXA_LIVE_INPUT): hãy nhờ quản trị cài đặt."), 400
    try:
        live = _ask("station")
    except operator_errors() as exc:
        return _refuse(exc)
    factory, tools, live_id, spec = current_app.config["LOAXA_SESSIONS"], settings().tools, live.id, settings().live_input

    def capture() -> None:
        if rules.wait_on_air(factory, live_id) != rules.ON_AIR:
            return
        source = Capture(spec, tools=tools)
        try:
            rules.send_capture(factory, live_id, source)
        finally:
            source.stop()

    threading.Thread(target=capture, name=f"live-input-{live_id}", daemon=True).start()
    return jsonify(_state(live))


@bp.route("/<int:live_id>/am-thanh/<int:seq>", methods=["POST"])
@requires(*REVIEW)
def chunk(live_id: int, seq: int):
    """One piece of the talk's audio, in order; 409 once the talk has ended (the browser stops sending)."""
    try:
        live = rules.own_session(db(), station(), live_id, user_row())
        rules.add_chunk(live, seq, request.get_data(cache=False), pid=os.getpid())
        db().commit()
    except operator_errors() as exc:
        return _refuse(exc)
    return ("", 204)


@bp.route("/<int:live_id>/ket-thuc", methods=["POST"])
@requires(*REVIEW)
def stop(live_id: int):
    """End the talk: the player airs what it received, logs the row and gives the zones back to the schedule."""
    try:
        live = rules.own_session(db(), station(), live_id, user_row())
        rules.request_stop(live)
        db().commit()
    except operator_errors() as exc:
        return _refuse(exc)
    return jsonify(_state(live))


@bp.route("/<int:live_id>/trang-thai", methods=["GET"])
@requires(*REVIEW)
def status(live_id: int):
    """Status, elapsed seconds, what was interrupted and why it ended (polled by the page)."""
    try:
        live = rules.own_session(db(), station(), live_id, user_row())
    except operator_errors() as exc:
        return _refuse(exc)
    return jsonify(_state(live))
