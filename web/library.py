"""Thư viện âm thanh: upload any audio file as content, list the station's media items with their sound."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.campaigns.manage import list_campaigns
from broadcast.campaigns.media import add_media
from broadcast.content.media import MEDIA_KINDS, media_library
from broadcast.errors import InvalidInput
from web.auth import EDIT, REVIEW, requires
from web.db import db, settings
from web.helpers import attempt, saved_upload, station, user_row

bp = Blueprint("library", __name__, url_prefix="/thu-vien")
ACCEPT = ".mp3,.m4a,.aac,.mp4,.ogg,.oga,.opus,.wav,.flac,audio/*"


def _page(values: dict[str, str] | None = None, errors: dict[str, str] | None = None, status: int = 200):
    session, st = db(), station()
    return render_template("library.html", items=media_library(session, st), kinds=MEDIA_KINDS, accept=ACCEPT,
                           campaigns=list_campaigns(session, st), values=values or {"kind": "song"}, errors=errors or {}), status


@bp.route("/")
@requires(*REVIEW)
def index():
    """The station's media items and the upload form."""
    return _page()


@bp.route("/tai-len", methods=["POST"])
@requires(*EDIT)
def upload():
    """Check, normalize and store an uploaded audio file as a draft media item (in a campaign's pool when chosen)."""
    values = {k: request.form.get(k, "").strip() for k in ("title", "kind", "campaign")}
    upload = request.files.get("audio")
    with saved_upload(upload) as path, attempt("audio") as outcome:
        if path is None or upload is None:
            raise InvalidInput("Chưa chọn tệp âm thanh: hãy chọn một tệp để tải lên.", field="audio")
        campaign = next((c for c in list_campaigns(db(), station()) if c.slug == values["campaign"]), None)
        if values["campaign"] and campaign is None:
            raise InvalidInput("Chiến dịch đã chọn không còn ở đài này: hãy chọn lại.", field="campaign")
        item = add_media(db(), station(), path, values["title"], values["kind"] or "other", campaign, by=user_row(), settings=settings(),
                         original_name=upload.filename)
    if not outcome.ok:
        return _page(values, outcome.errors, 400)
    flash(f"Đã tải lên «{item.title}»: chờ người phê duyệt nghe và duyệt.", "success")
    return redirect(url_for("library.index") + f"#tep-{item.id}")
