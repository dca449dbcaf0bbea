"""Golden as-run rows: fixed inputs and the literal digests of their hash chain.

The digests were computed once, outside the code under test, by typing each row's canonical text by hand
and hashing it with hashlib: sha256_hex(prev_hash + text) over UTF-8, where text is the compact JSON of the
hashed fields (keys sorted, no spaces, non-ASCII kept as is), datetimes as UTC ISO 8601, floats rounded to
3 decimals, the status as its value, and start_offset_ms present only when set. Row A's text, for example:

{"actual_end":"2024-11-14T22:31:13.747346+00:00","actual_start":"2024-11-14T22:30:12.512346+00:00","broadcast_id":7,
"broadcast_item_id":21,"campaign":"bdg-2024","item_ref":"script:4","item_type":"script",
"planned_start":"2024-11-14T22:30:12.500000+00:00","reason":"","seconds":61.235,"seq":1,"sinks":"aircheck,icecast:/thon-1",
"slot_end":"2024-11-14T23:05:00+00:00","slot_start":"2024-11-14T22:30:00+00:00","start_offset_ms":12.346,"station_id":1,
"status":"played","title":"Bình đẳng giới: chung tay vì cộng đồng","voice":"espeak:vi","zones":"thon-1,thon-3"}

(one line, without the line breaks). A deployed log verifies only while these digests stay what they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcast.models import AsRunEntry, Broadcast, BroadcastItem, ItemType, LogStatus, Station

UTC = timezone.utc
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

# Row A: every field set, local times (hashed as UTC), microseconds, floats to round, Vietnamese text, a start offset.
# Row B: no actual times (null), zero seconds, no start offset (hashed without the key, as rows written before it existed).
# Row C: no broadcast (deleted: null ids), empty zones, a start offset of exactly 0.0 (set, so hashed).
DIGEST_A = "65e1553f3f80343a87cf3dbdebfb405eb591a7b04d9be0a7452410b5c58c866e"
DIGEST_B = "201154901d4fdd50cdd595ab1bc9a2205057de1d6187fe662852dc2fac4744a3"
DIGEST_C = "48044aff4dc8744aa7b51968bf0a59d818371e32e588b59b67967c18377bc8f0"
# Row A without its start offset, as a row written before start_offset_ms existed was hashed.
DIGEST_A_WITHOUT_OFFSET = "afe7fa6cd76556341c1a6bf9adaa80b6f7775d5cc00bacdbe58440e0eef221a5"
DIGESTS = (DIGEST_A, DIGEST_B, DIGEST_C)

SLOT_START = datetime(2024, 11, 15, 5, 30, tzinfo=HANOI)
CREATED = (datetime(2024, 11, 14, 22, 31, 13, 800000, tzinfo=UTC), datetime(2024, 11, 14, 22, 31, 14, tzinfo=UTC),
           datetime(2024, 11, 15, 10, 0, 8, 250000, tzinfo=UTC))


def golden_rows() -> list[dict]:
    """The three rows' column values as playout would hand them to asrun.append (seq and hashes not yet set)."""
    return [
        dict(station_id=1, broadcast_id=7, broadcast_item_id=21, zones="thon-1,thon-3", slot_start=SLOT_START,
             slot_end=SLOT_START + timedelta(minutes=35), planned_start=SLOT_START + timedelta(seconds=12.5),
             actual_start=datetime(2024, 11, 15, 5, 30, 12, 512346, tzinfo=HANOI),
             actual_end=datetime(2024, 11, 14, 22, 31, 13, 747346, tzinfo=UTC), item_type="script", item_ref="script:4",
             title="Bình đẳng giới: chung tay vì cộng đồng", campaign="bdg-2024", voice="espeak:vi", status=LogStatus.PLAYED,
             seconds=61.23456, sinks="aircheck,icecast:/thon-1", reason="", start_offset_ms=12.3456, created_at=CREATED[0]),
        dict(station_id=1, broadcast_id=7, broadcast_item_id=22, zones="thon-1,thon-3", slot_start=SLOT_START,
             slot_end=SLOT_START + timedelta(minutes=35), planned_start=datetime(2024, 11, 14, 22, 31, 13, 735000, tzinfo=UTC),
             actual_start=None, actual_end=None, item_type="jingle", item_ref="asset:2", title="Nhạc hiệu kết thúc", campaign="",
             voice="", status=LogStatus.SKIPPED, seconds=0.0, sinks="", reason="hết giờ của buổi phát", start_offset_ms=None,
             created_at=CREATED[1]),
        dict(station_id=1, broadcast_id=None, broadcast_item_id=None, zones="", slot_start=datetime(2024, 11, 15, 10, 0, tzinfo=UTC),
             slot_end=datetime(2024, 11, 15, 10, 30, tzinfo=UTC), planned_start=datetime(2024, 11, 15, 10, 0, tzinfo=UTC),
             actual_start=datetime(2024, 11, 15, 10, 0, tzinfo=UTC), actual_end=datetime(2024, 11, 15, 10, 0, 7, 500000, tzinfo=UTC),
             item_type="script", item_ref="script:5", title="Phòng chống bạo lực gia đình", campaign="bdg-2024", voice="gtts:vi",
             status=LogStatus.INTERRUPTED, seconds=7.5, sinks="null", reason="ngắt để phát bản tin khẩn cấp", start_offset_ms=0.0,
             created_at=CREATED[2]),
    ]


def add_referenced_rows(session: Session, slug: str = "cam-tan") -> None:
    """The station (id 1), broadcast (id 7) and items (ids 21, 22) the golden rows point at, so foreign keys hold."""
    session.add(Station(id=1, slug=slug, name="Đài truyền thanh xã Cẩm Tân"))
    session.flush()
    broadcast = Broadcast(id=7, station_id=1, title="Buổi sáng", slot_start=SLOT_START, slot_end=SLOT_START + timedelta(minutes=35),
                          planned_start=SLOT_START)
    broadcast.items.append(BroadcastItem(id=21, station_id=1, position=0, item_type=ItemType.SCRIPT, title="Bình đẳng giới"))
    broadcast.items.append(BroadcastItem(id=22, station_id=1, position=1, item_type=ItemType.JINGLE, title="Nhạc hiệu kết thúc"))
    session.add(broadcast)
    session.flush()


def golden_entries() -> list[AsRunEntry]:
    """The golden rows as unsaved AsRunEntry objects."""
    return [AsRunEntry(**row) for row in golden_rows()]
