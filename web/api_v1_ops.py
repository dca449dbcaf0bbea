"""/api/v1, the station's operations: one-offs and slot removal, player and receiver status, file uploads, province bulletins.

Each route calls the use case the panel's page (or the CLI command) calls; web.api_v1 mounts them on its blueprint.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import marshmallow as ma
from flask_login import current_user
from flask_smorest.fields import Upload

from broadcast.content.recordings import add_recording
from broadcast.content.scripts import get_script, import_files
from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import PlayerHeartbeat, Priority
from broadcast.planning.oneoff import add_one_off, schedule_message
from broadcast.planning.slots import delete_slot, get_slot
from broadcast.campaigns.manage import get_campaign
from broadcast.playout.status import behind, campaign_days, first_day, on_air, on_air_progress, player_alive, player_stale_after_s, up_to_yesterday
from broadcast.province.bulletins import MAY_SEND, TargetSpec, bulletin_status, parse_target, send_bulletin
from broadcast.stations.lookup import station_tz, zone_ids_of
from broadcast.timeutil import SystemClock, as_local
from web import import_staging
from web import receivers as receiver_views
from web.api_v1 import BroadcastSchema, ScriptOut, api_station, blp
from web.auth import ADMIN, ANY, EDIT, requires
from web.db import db, settings
from web.helpers import saved_upload, tz, user_row

DAY_TIME = "Ngày giờ theo ISO 8601; không ghi múi giờ thì là giờ của đài"


class OneOffIn(ma.Schema):
    title = ma.fields.String(required=True)
    start = ma.fields.DateTime(required=True, metadata={"description": DAY_TIME})
    text = ma.fields.String(load_default=None, metadata={"description": "Nội dung cần đọc (máy đọc); hoặc script_ids"})
    script_ids = ma.fields.List(ma.fields.Integer(), load_default=list, metadata={"description": "Hoặc các bài đã duyệt"})
    zones = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "Mã thôn; để trống là mọi thôn"})


@blp.route("/stations/<station>/oneoffs", methods=["POST"])
@blp.arguments(OneOffIn)
@blp.response(201, BroadcastSchema)
@requires(*EDIT)
def oneoff_create(data, station: str):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Thêm một buổi phát một lần: một tin cần đọc, hoặc các bài đã duyệt (như `loaxa oneoff add`)."""
    if (data["text"] is None) == (not data["script_ids"]):
        raise InvalidInput("Hãy gửi nội dung cần đọc trong «text» HOẶC các bài đã duyệt trong «script_ids», không cả hai.", field="text")
    session, st, now = db(), api_station(), SystemClock().now()
    start, zone_ids = as_local(data["start"], station_tz(st)), zone_ids_of(st, data["zones"])
    if data["text"] is not None:
        made = schedule_message(session, settings(), st, data["title"], data["text"], start, zone_ids, now, user_row())
    else:
        made = add_one_off(session, st, data["title"], start, data["script_ids"], now, zone_ids=zone_ids, author=user_row())
    session.commit()
    return made


class SlotRemoved(ma.Schema):
    id = ma.fields.Integer(required=True)
    cancelled = ma.fields.Integer(required=True, metadata={"description": "Số buổi chưa phát của buổi này đã bị hủy"})


@blp.route("/stations/<station>/slots/<int:slot_id>", methods=["DELETE"])
@blp.response(200, SlotRemoved)
@requires(*ADMIN)
def slot_remove(station: str, slot_id: int):  # noqa: ARG001
    """Xóa một buổi phát hằng ngày và hủy các buổi chưa phát của nó (như `loaxa slot remove`)."""
    cancelled = delete_slot(db(), get_slot(db(), api_station(), slot_id), SystemClock().now())
    db().commit()
    return {"id": slot_id, "cancelled": cancelled}


class OnAirSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    started_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    elapsed_s = ma.fields.Float(required=True)
    total_s = ma.fields.Float(required=True)


class PlayerSchema(ma.Schema):
    alive = ma.fields.Boolean(required=True, metadata={"description": "Trình phát còn báo hiệu trong thời gian cho phép"})
    last_seen = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={"description": "Lần báo hiệu cuối; null khi chưa chạy lần nào"})
    host = ma.fields.String(allow_none=True, required=True)
    on_air = ma.fields.Nested(OnAirSchema, allow_none=True, required=True, metadata={"description": "Buổi đang phát; null khi không phát"})


@blp.route("/stations/<station>/player")
@blp.response(200, PlayerSchema)
@requires(*ANY)
def player(station: str):  # noqa: ARG001
    """Trình phát của đài: còn chạy không, lần báo hiệu cuối, buổi đang phát (như trang chủ)."""
    session, st, now = db(), api_station(), SystemClock().now()
    beat = session.get(PlayerHeartbeat, st.id)
    playing = on_air(session, st, now)
    elapsed, total = on_air_progress(playing, now)
    return {"alive": player_alive(beat.beat_at if beat else None, now, player_stale_after_s(settings().sync_interval_s)),
            "last_seen": beat.beat_at if beat else None, "host": beat.host if beat else None,
            "on_air": {"id": playing.id, "title": playing.title, "kind": playing.kind.value, "started_at": playing.started_at,
                       "elapsed_s": round(elapsed, 1), "total_s": round(total, 1)} if playing else None}


class ProgressDaySchema(ma.Schema):
    day = ma.fields.Date(required=True)
    aired_s = ma.fields.Float(required=True, metadata={"description": "Giây đã phát (theo nhật ký phát sóng)"})
    needed_s = ma.fields.Float(required=True, metadata={"description": "Giây cần phát trong ngày để đạt chỉ tiêu"})


class ProgressSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    aired_s = ma.fields.Float(required=True)
    needed_s = ma.fields.Float(required=True)
    behind = ma.fields.Boolean(required=True, metadata={"description": "Đến hôm qua đã phát dưới 90 % số cần phát (như trang chủ)"})
    days = ma.fields.List(ma.fields.Nested(ProgressDaySchema), required=True)


@blp.route("/stations/<station>/campaigns/<slug>/progress")
@blp.response(200, ProgressSchema)
@requires(*ANY)
def campaign_progress(station: str, slug: str):  # noqa: ARG001
    """Tiến độ chiến dịch theo từng ngày: giây đã phát và giây cần phát (như biểu đồ ở trang chiến dịch)."""
    session, st = db(), api_station()
    campaign, zone = get_campaign(session, st, slug), station_tz(st)
    progress = campaign_days(session, st, campaign, zone)
    today, since = SystemClock().now().astimezone(zone).date(), first_day(st, zone)
    days = sorted(set(progress.aired) | set(progress.needed))
    return {"slug": campaign.slug, "aired_s": round(progress.aired_s, 3), "needed_s": round(progress.needed_s, 3),
            "behind": behind(up_to_yesterday(progress.aired, since, today), up_to_yesterday(progress.needed, since, today)),
            "days": [{"day": d, "aired_s": round(progress.aired.get(d, 0.0), 3), "needed_s": round(progress.needed.get(d, 0.0), 3)} for d in days]}


class ReceiverSchema(ma.Schema):
    name = ma.fields.String(required=True)
    colour = ma.fields.String(required=True, metadata={"description": "green | amber | red | grey"})
    why = ma.fields.String(required=True, metadata={"description": "Lý do, một câu tiếng Việt"})
    last_report = ma.fields.AwareDateTime(allow_none=True, required=True)
    connected = ma.fields.Boolean(allow_none=True, required=True)
    playing = ma.fields.Boolean(allow_none=True, required=True)


class ZoneStatusSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    colour = ma.fields.String(required=True, metadata={"description": "Màu của thôn; rỗng khi thôn chưa có máy thu"})
    on_air = ma.fields.Boolean(required=True)
    listeners = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "Máy thu Icecast thấy đang nghe; null khi không hỏi được"})
    last_heard = ma.fields.AwareDateTime(allow_none=True, required=True)
    offline_since = ma.fields.AwareDateTime(allow_none=True, required=True)
    receivers = ma.fields.List(ma.fields.Nested(ReceiverSchema), required=True)


@blp.route("/stations/<station>/receivers")
@blp.response(200, ZoneStatusSchema(many=True))
@requires(*ANY)
def receivers(station: str):  # noqa: ARG001
    """Máy thu theo thôn: màu, từng máy thu và lần báo cáo cuối (như trang «Máy thu»); rỗng khi đài chưa có máy thu."""
    st = api_station()
    return [{"code": z.zone.code, "name": z.zone.name, "colour": z.colour, "on_air": z.on_air, "listeners": z.listeners,
             "last_heard": z.last_heard, "offline_since": z.offline_since,
             "receivers": [{"name": r.receiver.name, "colour": r.verdict.colour, "why": r.verdict.why,
                            "last_report": r.last.received_at if r.last else None, "connected": r.last.connected if r.last else None,
                            "playing": r.last.playing if r.last else None} for r in z.receivers]}
            for z in receiver_views.zone_board(st, SystemClock().now())]


class ImportFiles(ma.Schema):
    files = ma.fields.List(Upload(), required=True, metadata={"description": "Tệp .txt, .md, .docx, .doc hoặc .pdf (một hoặc nhiều)"})


class ImportedSchema(ma.Schema):
    script = ma.fields.Nested(ScriptOut, required=True)
    file = ma.fields.String(required=True)
    converted = ma.fields.String(required=True, metadata={"description": "Tệp là gì và đã chuyển đổi gì"})


class ImportFailure(ma.Schema):
    file = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)


class ImportResult(ma.Schema):
    created = ma.fields.List(ma.fields.Nested(ImportedSchema), required=True)
    failed = ma.fields.List(ma.fields.Nested(ImportFailure), required=True)


@blp.route("/stations/<station>/scripts/import", methods=["POST"])
@blp.arguments(ImportFiles, location="files")
@blp.response(201, ImportResult)
@requires(*EDIT)
def script_import(data, station: str):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Nhập tệp thành bài nháp (như trang «Nhập bài»); tệp hỏng không cản các tệp khác, không nhập được tệp nào thì lỗi 400."""
    files = [f for f in data["files"] if f.filename]
    if not files:
        raise InvalidInput("Chưa gửi tệp nào: hãy gửi tệp .txt, .md, .docx, .doc hoặc .pdf trong trường «files».", field="files")
    root, owner = settings().data_dir / "uploads" / "nhap-bai", user_row().id
    upload, refused = import_staging.stage(root, owner, files)
    try:
        made, bad = import_files(db(), api_station(), upload.paths, user_row(), tools=settings().import_tools)
    finally:
        import_staging.discard(root, owner, upload.token)
    failed = [{"file": name, "reason": reason} for name, reason in refused] + [{"file": upload.name_of(p), "reason": r} for p, r in bad]
    if not made:
        db().rollback()
        raise InvalidInput(f"Không nhập được tệp nào: {failed[0]['file']}: {failed[0]['reason']}", field="files")
    db().commit()
    return {"created": [{"script": s, "file": upload.name_of(Path(s.source)), "converted": how} for s, how in made], "failed": failed}


class RecordingFile(ma.Schema):
    audio = Upload(required=True, metadata={"description": "Tệp MP3, WAV, M4A, OGG hoặc WebM"})


class RecordingOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    script_id = ma.fields.Integer(required=True)
    script_version = ma.fields.Integer(required=True)
    duration_s = ma.fields.Float(required=True)
    status = ma.fields.Function(lambda r: r.status.value, required=True)


@blp.route("/stations/<station>/scripts/<int:script_id>/recordings", methods=["POST"])
@blp.arguments(RecordingFile, location="files")
@blp.response(201, RecordingOut)
@requires(*EDIT)
def recording_upload(data, station: str, script_id: int):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Tải lên bản ghi âm của bản hiện tại của một bài (chờ phê duyệt), như trang sửa bài."""
    session, st = db(), api_station()
    script = get_script(session, st, script_id)
    upload = data["audio"]
    with saved_upload(upload) as tmp:
        if tmp is None:
            raise InvalidInput("Chưa chọn tệp ghi âm: hãy chọn một tệp âm thanh.", field="audio")
        recording = add_recording(session, settings(), st, script, tmp, upload.filename or "", user_row())
    session.commit()
    return recording


class TargetIn(ma.Schema):
    station = ma.fields.String(required=True, metadata={"description": "Mã xã (đài)"})
    zones = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "Mã thôn; để trống là mọi thôn"})


class BulletinIn(ma.Schema):
    title = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    priority = ma.fields.String(load_default=Priority.NORMAL.value, metadata={"description": "normal | priority | emergency"})
    when = ma.fields.DateTime(load_default=None, metadata={"description": DAY_TIME + "; để trống là sớm nhất có thể"})
    targets = ma.fields.List(ma.fields.Nested(TargetIn), required=True)


class CommuneSchema(ma.Schema):
    station = ma.fields.String(required=True)
    zones = ma.fields.String(required=True)
    placement = ma.fields.String(required=True, metadata={"description": "slot | oneoff | emergency"})
    broadcast_id = ma.fields.Integer(allow_none=True, required=True)
    planned_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    state = ma.fields.String(required=True, metadata={"description": "pending | aired | failed | skipped"})


class BulletinOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    priority = ma.fields.Function(lambda b: b["bulletin"].priority.value, required=True)
    communes = ma.fields.List(ma.fields.Nested(CommuneSchema), required=True)


def _send_bulletin(title: str, text: str, priority: str, when: datetime | None, targets: list[TargetSpec],
                   audio: Path | None = None, audio_name: str | None = None) -> dict:
    """Send as the token's user to communes the token works at, then each commune's placement."""
    mine = {c.slug: c for c in current_user.stations}
    if not any(c.role in MAY_SEND for c in mine.values()):
        raise PermissionDenied("Tài khoản của mã API này không phê duyệt ở xã nào nên không gửi được bản tin.")
    outside = [t.station for t in targets if t.station not in mine]
    if outside:
        raise PermissionDenied(f"Mã API này không làm việc được ở xã {outside[0]!r}: hãy bỏ xã này hoặc dùng mã của người có quyền ở đó.")
    when = as_local(when, tz())
    session = db()
    bulletin = send_bulletin(session, settings(), user_row(), title, text, priority, targets, when=when, audio=audio, audio_name=audio_name)
    session.commit()
    return {"id": bulletin.id, "title": bulletin.title, "bulletin": bulletin, "communes": bulletin_status(session, bulletin)}


@blp.route("/bulletins", methods=["POST"])
@blp.arguments(BulletinIn)
@blp.response(201, BulletinOut)
@requires(*ANY)
def bulletin_send(data):  # type: ignore[no-untyped-def]
    """Gửi một bản tin của tỉnh/huyện tới các xã (và thôn) đã chọn, như trang «Bản tin tỉnh» (người phê duyệt của các xã đó)."""
    return _send_bulletin(data["title"], data["text"], data["priority"], data["when"],
                          [TargetSpec(t["station"], tuple(t["zones"])) for t in data["targets"]])


class BulletinAudioIn(ma.Schema):
    title = ma.fields.String(required=True)
    text = ma.fields.String(load_default="", metadata={"description": "Mô tả tệp; để trống là tên tệp"})
    priority = ma.fields.String(load_default=Priority.NORMAL.value, metadata={"description": "normal | priority | emergency"})
    when = ma.fields.DateTime(load_default=None, metadata={"description": DAY_TIME + "; để trống là sớm nhất có thể"})
    targets = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "Mỗi xã một trường: cam-tan hoặc cam-tan:thon-1,thon-2"})
    audio = Upload(required=True, metadata={"description": "Tệp âm thanh phát nguyên như vậy (MP3, WAV, M4A, OGG hoặc WebM)"})


@blp.route("/bulletins/audio", methods=["POST"])
@blp.arguments(BulletinAudioIn, location="form", content_type="multipart/form-data")
@blp.response(201, BulletinOut)
@requires(*ANY)
def bulletin_send_audio(data):  # type: ignore[no-untyped-def]
    """Gửi một bản tin là một tệp âm thanh (như khi chọn tệp ở trang «Bản tin tỉnh»)."""
    upload = data["audio"]
    with saved_upload(upload) as audio:
        if audio is None:
            raise InvalidInput("Chưa chọn tệp âm thanh: hãy gửi tệp trong trường «audio».", field="audio")
        return _send_bulletin(data["title"], data["text"], data["priority"], data["when"], [parse_target(t) for t in data["targets"]],
                              audio=audio, audio_name=upload.filename)
