"""Phê duyệt: drafts waiting with text, audio and author; approve or return with a comment."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.content.media import media_sound
from broadcast.content.queries import draft_recordings, draft_scripts, script_titles
from broadcast.content.recordings import approve_recording, get_recording, return_recording
from broadcast.content.rendering import current_render
from broadcast.content.scripts import AUDIO, approve_script, get_script, return_script, spoken_form
from broadcast.stations.users import author_names
from web.auth import APPROVE, requires
from web.db import db
from web.helpers import attempt, station, user_row

bp = Blueprint("approval", __name__, url_prefix="/phe-duyet")


def _queue_page(errors: dict[int, str] | None = None, comments: dict[int, str] | None = None, status: int = 200):
    session, st = db(), station()
    drafts = draft_scripts(session, st)
    recordings = draft_recordings(session, st)
    authors = author_names(session)
    titles = script_titles(session, [r.script_id for r in recordings])
    items = [(s, current_render(session, s), spoken_form(session, s)) for s in drafts]
    sounds = {s.id: media_sound(session, s) for s in drafts if s.kind == AUDIO}  # a media item is heard, not read
    return render_template("approval.html", items=items, sounds=sounds, recordings=recordings, authors=authors, titles=titles,
                           errors=errors or {}, comments=comments or {}), status


@bp.route("/")
@requires(*APPROVE)
def queue():
    """What waits for approval."""
    return _queue_page()


@bp.route("/<int:script_id>/duyet", methods=["POST"])
@requires(*APPROVE)
def approve(script_id: int):
    """Approve a script for air."""
    script = get_script(db(), station(), script_id)
    with attempt() as outcome:
        approve_script(db(), script, user_row())
    if outcome.ok:
        flash(f"Đã duyệt bài: {script.title}", "success")
    else:
        flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("approval.queue"))


@bp.route("/<int:script_id>/tra-lai", methods=["POST"])
@requires(*APPROVE)
def send_back(script_id: int):
    """Return a script with a comment."""
    script = get_script(db(), station(), script_id)
    comment = request.form.get("comment", "")
    with attempt("comment") as outcome:
        return_script(db(), script, user_row(), comment)
    if outcome.ok:
        flash(f"Đã trả lại bài: {script.title}", "success")
        return redirect(url_for("approval.queue"))
    return _queue_page({script_id: outcome.errors.get("comment", "")}, {script_id: comment}, 400)


@bp.route("/ban-ghi/<int:recording_id>/<action>", methods=["POST"])
@requires(*APPROVE)
def recording_decision(recording_id: int, action: str):
    """Approve or refuse a recording."""
    recording = get_recording(db(), station(), recording_id)
    with attempt() as outcome:
        (approve_recording if action == "duyet" else return_recording)(db(), recording, user_row())
    flash("Đã duyệt bản ghi âm." if action == "duyet" else "Đã trả lại bản ghi âm.", "success") if outcome.ok else flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("approval.queue"))
