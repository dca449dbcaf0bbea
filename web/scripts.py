"""Bài phát thanh: list, editor with live spoken form, render, recordings, import, history."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from broadcast.campaigns.manage import list_campaigns
from broadcast.content.media import media_sound
from broadcast.content.queries import ScriptFilter, find_scripts, script_categories
from broadcast.content.recordings import add_recording, script_recordings
from audio.tts.espeak_styles import GENDER_LABELS, PACE_LABELS, REGION_LABELS
from broadcast.content.listening import score_in_background, verdict_of, verdicts
from broadcast.content.rendering import airing_label, current_audio, current_render, script_audio, render_script, script_style, set_script_style
from broadcast.content.scripts import AUDIO, create_script, get_script, import_files, preview_import, spoken_form, update_script
from broadcast.errors import InvalidInput
from broadcast.models import Priority, Script
from broadcast.stations.users import author_names
from web import import_staging
from web.auth import EDIT, REVIEW, requires
from web.db import db, settings
from web.helpers import attempt, parse_date, saved_upload, station, user_row

bp = Blueprint("scripts", __name__, url_prefix="/bai")
PAGE = 25
PRIORITIES = {"normal": "Thông thường", "priority": "Ưu tiên", "emergency": "Khẩn cấp"}


@bp.route("/")
@requires(*REVIEW)
def index():
    """Scripts with search and filters."""
    session, st = db(), station()
    q = request.args.get("q", "").strip()
    campaign = request.args.get("chien_dich", "")
    status = request.args.get("trang_thai", "")
    category = request.args.get("loai", "")
    page = max(request.args.get("trang", 1, type=int) or 1, 1)
    scripts, total = find_scripts(session, st, ScriptFilter(q, status, category, campaign), page, PAGE)
    campaigns = list_campaigns(session, st)
    categories = script_categories(session, st)
    audio = current_audio(session, scripts)
    airs = {s.id: airing_label(audio.get(s.id)) for s in scripts}
    flagged = {v.script.id for v in verdicts(session, st) if v.flagged}
    return render_template("scripts/index.html", scripts=scripts, total=total, page=page, pages=max((total + PAGE - 1) // PAGE, 1),
                           q=q, campaign=campaign, status=status, category=category, campaigns=campaigns, categories=categories,
                           airs=airs, flagged=flagged)


def _form_values() -> dict[str, str]:
    keys = ("title", "body", "category", "priority", "valid_from", "valid_to", "notes")
    return {k: request.form.get(k, "") for k in keys}


@bp.route("/moi", methods=["GET", "POST"])
@requires(*EDIT)
def new():
    """Write a new script."""
    values = {"title": "", "body": "", "category": "", "priority": "normal", "valid_from": "", "valid_to": "", "notes": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _form_values()
        valid_from, valid_to = parse_date(values["valid_from"]), parse_date(values["valid_to"])
        with attempt("title") as outcome:
            for name, parsed in (("valid_from", valid_from), ("valid_to", valid_to)):
                if values[name].strip() and parsed is None:
                    raise InvalidInput("Ngày không đúng: hãy viết theo dạng ngày/tháng/năm, ví dụ 15/11/2024.", field=name)
            script = create_script(db(), station(), values["title"], values["body"], user_row(), category=values["category"].strip()[:64],
                                   priority=Priority(values["priority"]) if values["priority"] in PRIORITIES else Priority.NORMAL,
                                   valid_from=valid_from, valid_to=valid_to, notes=values["notes"])
        if outcome.ok:
            flash("Đã lưu bài (bản nháp). Hãy tạo giọng đọc rồi gửi phê duyệt.", "success")
            return redirect(url_for("scripts.edit", script_id=script.id))
        errors = outcome.errors
    return render_template("scripts/edit.html", script=None, values=values, errors=errors, priorities=PRIORITIES), (400 if errors else 200)


@bp.route("/<int:script_id>", methods=["GET", "POST"])
@requires(*REVIEW)
def edit(script_id: int):
    """Edit a script (editors) or read it (approvers)."""
    session, st = db(), station()
    script = get_script(session, st, script_id)
    values = {"title": script.title, "body": script.body}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not current_user.can(*EDIT):
            abort(403)
        values = _form_values()
        with attempt("title") as outcome:
            update_script(session, script, values["title"], values["body"], user_row())
        if outcome.ok:
            flash(f"Đã lưu phiên bản {script.version}.", "success")
            return redirect(url_for("scripts.edit", script_id=script.id))
        errors = outcome.errors
    return _edit_page(script, values, errors)


def _edit_page(script: Script, values: dict[str, str], errors: dict[str, str]):  # type: ignore[no-untyped-def]
    """The script's page: its form with what was typed and what is wrong (400 then), its sound, voice and recordings."""
    session, st = db(), station()
    render = current_render(session, script)
    authors = author_names(session)
    sound = media_sound(session, script) if script.kind == AUDIO else None  # a media item is heard, not read
    style = script_style(script)
    return render_template("scripts/edit.html", script=script, values=values, errors=errors, priorities=PRIORITIES, render=render,
                           spoken=spoken_form(session, script), recordings=script_recordings(session, script), authors=authors,
                           style=style.as_dict() if style else {}, verdict=verdict_of(session, st, script),
                           airs=airing_label(script_audio(session, script)), regions=REGION_LABELS, genders=GENDER_LABELS, paces=PACE_LABELS,
                           sound=sound), (400 if errors else 200)


@bp.route("/<int:script_id>/giong", methods=["POST"])
@requires(*EDIT)
def voice_style(script_id: int):
    """The script's own region, sex and pace, or (all empty) the station's."""
    session, st = db(), station()
    script = get_script(session, st, script_id)
    with attempt("voice_style") as outcome:
        style = set_script_style(session, script, request.form.get("region"), request.form.get("gender"), request.form.get("pace"))
    if not outcome.ok:  # the page again, the sentence under the voice form, nothing changed
        return _edit_page(script, {"title": script.title, "body": script.body}, outcome.errors)
    flash(f"Bài này đọc bằng {style.label()}." if style else "Bài này đọc bằng giọng của đài.", "success")
    return redirect(url_for("scripts.edit", script_id=script_id) + "#giong")


@bp.route("/doc-thu", methods=["POST"])
@requires(*EDIT)
def spoken_preview():
    """htmx partial: the normalized spoken form of the text being typed, with warnings."""
    st = station()
    draft = Script(station_id=st.id, title=request.form.get("title", ""), body=request.form.get("body", ""))
    normalized = spoken_form(db(), draft)
    return render_template("scripts/_spoken.html", spoken=normalized)


@bp.route("/<int:script_id>/tao-giong", methods=["POST"])
@requires(*EDIT)
def render(script_id: int):
    """Render the current version with the station's voice chain."""
    session, st = db(), station()
    script = get_script(session, st, script_id)
    with attempt() as outcome:
        row, cached = render_script(session, settings(), script, st)
    if outcome.ok:
        score_in_background(current_app.config["LOAXA_SESSIONS"], settings(), row.id)  # off the air path, after the commit
        flash(f"Đã tạo giọng đọc ({row.engine}, {row.duration_s:.0f} giây){' từ bộ nhớ đệm' if cached else ''}.", "success")
    else:
        flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("scripts.edit", script_id=script_id) + "#nghe")


@bp.route("/<int:script_id>/ghi-am", methods=["POST"])
@requires(*EDIT)
def upload_recording(script_id: int):
    """Upload (or record in the browser) a recording of the current version."""
    session, st = db(), station()
    script = get_script(session, st, script_id)
    upload = request.files.get("audio")
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    with saved_upload(upload) as tmp, attempt("audio") as outcome:
        if tmp is None or upload is None:
            raise InvalidInput("Chưa chọn tệp ghi âm: hãy chọn một tệp âm thanh.", field="audio")
        recording = add_recording(session, settings(), st, script, tmp, upload.filename or "", user_row())
    if wants_json:
        if outcome.ok:
            return jsonify(ok=True, id=recording.id, duration=round(recording.duration_s, 1))
        return jsonify(ok=False, error=outcome.errors.get("audio") or next(iter(outcome.errors.values()))), 400
    if outcome.ok:
        flash(f"Đã tải bản ghi âm ({recording.duration_s:.0f} giây): chờ phê duyệt.", "success")
    else:
        flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("scripts.edit", script_id=script_id) + "#ghi-am")


def _staging_root() -> Path:
    return settings().data_dir / "uploads" / "nhap-bai"


@bp.route("/nhap", methods=["GET", "POST"])
@requires(*EDIT)
def import_page():
    """Upload files and see each as it would be saved (text, format, spoken form); nothing is saved yet."""
    if request.method == "GET":
        return render_template("scripts/import.html", previews=[], failed=[], created=[], token="")
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        failed = [("", "Chưa chọn tệp nào: hãy chọn tệp .txt, .md, .docx, .doc hoặc .pdf.")]
        return render_template("scripts/import.html", previews=[], failed=failed, created=[], token=""), 400
    owner = user_row().id
    upload, failed = import_staging.stage(_staging_root(), owner, files)
    previews, bad = preview_import(db(), station(), upload.paths, tools=settings().import_tools)
    failed.extend((upload.name_of(p), reason) for p, reason in bad)
    rows = [(upload.name_of(p.source_path), p) for p in previews]
    if not any(p.problem is None for _, p in rows):
        import_staging.discard(_staging_root(), owner, upload.token)
        return render_template("scripts/import.html", previews=rows, failed=failed, created=[], token=""), 400
    return render_template("scripts/import.html", previews=rows, failed=failed, created=[], token=upload.token)


@bp.post("/nhap/xac-nhan")
@requires(*EDIT)
def import_confirm():
    """Save the previewed files as draft scripts, then forget the upload."""
    owner = user_row().id
    token = request.form.get("token", "")
    upload = import_staging.staged(_staging_root(), owner, token)
    if upload is None:
        failed = [("", "Không còn tệp đã tải lên để nhập (đã nhập, đã hủy hoặc quá một ngày): hãy tải tệp lên lại.")]
        return render_template("scripts/import.html", previews=[], failed=failed, created=[], token=""), 400
    created, failed = [], []
    with attempt("files") as outcome:
        made, bad = import_files(db(), station(), upload.paths, user_row(), tools=settings().import_tools)
        created = [(s.id, s.title) for s, _ in made]
        failed.extend((upload.name_of(p), reason) for p, reason in bad)
    if not outcome.ok:
        failed.append(("", next(iter(outcome.errors.values()))))
    import_staging.discard(_staging_root(), owner, token)
    status = 400 if failed and not created else 200
    return render_template("scripts/import.html", previews=[], failed=failed, created=created, token=""), status


@bp.post("/nhap/huy")
@requires(*EDIT)
def import_cancel():
    """Forget an upload without saving anything."""
    import_staging.discard(_staging_root(), user_row().id, request.form.get("token", ""))
    flash("Đã hủy, không bài nào được nhập.", "success")
    return redirect(url_for("scripts.import_page"))

