"""Cài đặt and Người dùng (admin only): station, zones, voices, loudness, lexicon, slots (read), users."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

from audio.tts.espeak_styles import DEFAULT_STYLE, GENDER_LABELS, PACE_LABELS, REGION_LABELS

from audio.tts.registry import engine_names
from broadcast.content.rendering import style_preview
from broadcast.content.lexicon import KINDS, add_entry, delete_entry, get_entry, list_entries, update_entry
from broadcast.models import Role
from broadcast.planning.slots import list_slots
from broadcast.stations.settings import (
    LIVE_WHO_LABELS, add_zone, get_zone, remove_zone, rename_zone, set_live_who, set_voice_chain, set_voice_style, station_style,
    update_station,
)
from broadcast.stations.users import ROLE_LABELS, check_can_manage, create_user, get_user, parse_role, set_active, set_password, set_role, station_users
from web.auth import ADMIN, EDIT, requires
from web.db import db, settings
from web.helpers import attempt, station, user_row

bp = Blueprint("admin", __name__)


def _settings_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    session, st = db(), station()
    slots = list_slots(session, st)
    return render_template("settings.html", station=st, slots=slots, lexicon=list_entries(session, st), kinds=KINDS,
                           engines=engine_names(), errors=errors or {}, values=values or {}, style=station_style(st) or DEFAULT_STYLE,
                           regions=REGION_LABELS, genders=GENDER_LABELS, paces=PACE_LABELS, live_who=LIVE_WHO_LABELS), status


@bp.route("/cai-dat")
@requires(*ADMIN)
def settings_page():
    """All station settings on one page."""
    return _settings_page()


def _done(outcome, message: str, values: dict):  # type: ignore[no-untyped-def]
    if outcome.ok:
        flash(message, "success")
        return redirect(url_for("admin.settings_page"))
    return _settings_page(outcome.errors, values, 400)


@bp.route("/cai-dat/dai", methods=["POST"])
@requires(*ADMIN)
def save_station():
    """Name, loudness target and emergency resume."""
    values = dict(request.form)
    with attempt("name") as outcome:
        update_station(db(), station(), values.get("name", ""), values.get("loudness_lufs", ""), values.get("emergency_resume") == "on")
    return _done(outcome, "Đã lưu thông tin đài.", values)


@bp.route("/cai-dat/giong-doc", methods=["POST"])
@requires(*ADMIN)
def save_voices():
    """The ordered chain of voices."""
    engines, voices = request.form.getlist("engine"), request.form.getlist("voice")
    chain = [{"engine": e, "voice": v} for e, v in zip(engines, voices)]
    with attempt("voice_chain") as outcome:
        set_voice_chain(db(), station(), chain)
    return _done(outcome, "Đã lưu chuỗi giọng đọc.", {"chain": chain})


@bp.route("/cai-dat/giong-vung", methods=["POST"])
@requires(*ADMIN)
def save_voice_style():
    """Region, sex and pace of the offline voice."""
    values = dict(request.form)
    with attempt("voice_style") as outcome:
        set_voice_style(db(), station(), values.get("region"), values.get("gender"), values.get("pace"))
    return _done(outcome, "Đã lưu giọng đọc của đài.", values)


@bp.route("/cai-dat/truc-tiep", methods=["POST"])
@requires(*ADMIN)
def save_live_who():
    """Who may go live: editors and admins only, or approvers too."""
    values = dict(request.form)
    with attempt("live_who") as outcome:
        set_live_who(db(), station(), values.get("live_who"))
    return _done(outcome, "Đã lưu quyền phát trực tiếp.", values)


@bp.route("/nghe-thu-giong")
@requires(*ADMIN, *EDIT)
def voice_preview():
    """'Nghe thử': a short sample read with the chosen region, sex and pace."""
    with attempt("voice_style") as outcome:
        audio = style_preview(settings(), station(), request.args.get("region"), request.args.get("gender"), request.args.get("pace"))
    if not outcome.ok:
        return next(iter(outcome.errors.values())), 400, {"Content-Type": "text/plain; charset=utf-8"}
    return send_file(audio.path, mimetype="audio/wav", max_age=3600)


@bp.route("/cai-dat/cum-loa", methods=["POST"])
@requires(*ADMIN)
def zones():
    """Add, rename or remove a zone."""
    values = dict(request.form)
    action = values.get("action", "add")
    with attempt("code") as outcome:
        if action == "add":
            add_zone(db(), station(), values.get("code", ""), values.get("zone_name", ""))
        elif action == "rename":
            rename_zone(db(), get_zone(db(), station(), int(values.get("zone_id", "0") or 0)), values.get("zone_name", ""))
        else:
            remove_zone(db(), station(), get_zone(db(), station(), int(values.get("zone_id", "0") or 0)))
    return _done(outcome, "Đã lưu cụm loa.", values)


@bp.route("/cai-dat/tu-dien", methods=["POST"])
@requires(*ADMIN)
def lexicon():
    """Add, change or delete a lexicon entry."""
    values = dict(request.form)
    action = values.get("action", "add")
    with attempt("term") as outcome:
        if action == "add":
            add_entry(db(), station(), values.get("term", ""), values.get("spoken", ""), values.get("kind", "abbreviation"))
        elif action == "update":
            update_entry(db(), get_entry(db(), station(), int(values.get("entry_id", "0") or 0)), values.get("term", ""), values.get("spoken", ""), values.get("kind", ""))
        else:
            delete_entry(db(), get_entry(db(), station(), int(values.get("entry_id", "0") or 0)))
    return _done(outcome, "Đã lưu từ điển.", values)


def _users_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    return render_template("users.html", users=station_users(db(), station()), role_labels=ROLE_LABELS, roles=list(Role),
                           errors=errors or {}, values=values or {}), status


@bp.route("/nguoi-dung")
@requires(*ADMIN)
def users():
    """The station's users."""
    return _users_page()


@bp.route("/nguoi-dung", methods=["POST"])
@requires(*ADMIN)
def user_action():
    """Add a user, change a role, lock/unlock or set a password."""
    values = dict(request.form)
    action = values.get("action", "add")
    session, st = db(), station()
    with attempt("username") as outcome:
        if action == "add":
            create_user(session, values.get("username", ""), values.get("password", ""), parse_role(values.get("role", "")), st, values.get("full_name", ""))
        else:
            user = get_user(session, values.get("username", ""))
            if action in ("lock", "password"):
                check_can_manage(session, user_row(), user)
            if action == "role":
                set_role(session, user, st, parse_role(values.get("role", "")))
            elif action == "lock":
                set_active(session, user, st, not user.is_active)
            elif action == "password":
                set_password(session, user.username, values.get("password", ""))
    if outcome.ok:
        flash("Đã lưu người dùng.", "success")
        return redirect(url_for("admin.users"))
    values.pop("password", None)
    return _users_page(outcome.errors, values, 400)
