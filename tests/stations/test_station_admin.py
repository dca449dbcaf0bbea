"""Creating stations and roles at many stations: use cases on a real database and the `loaxa` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Asset, Membership, ProgrammeTemplate, Role, Slot, Station, Zone
from broadcast.province.setup import create_station, grant, list_stations, numbered_zones, revoke
from broadcast.stations.lookup import get_station
from broadcast.stations.users import check_can_manage, create_user, get_user
from loaxa.cli import main
from tests.conftest import cli_args


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_station_gets_its_zones_with_mounts_and_the_two_standard_slots(factory):
    with transaction(factory) as session:
        create_station(session, "Xa-Binh-An", "Đài truyền thanh xã Bình An", [("thon-1", "Thôn 1"), ("ben-do", "Bến Đò")])
        create_station(session, "xa-moi", "Xã Mới", numbered_zones(3), standard_slots=False)
    with transaction(factory) as session:
        station = get_station(session, "xa-binh-an")
        assert [(z.code, z.name, z.stream_mount) for z in station.zones] == [
            ("thon-1", "Thôn 1", "/xa-binh-an-thon-1"), ("ben-do", "Bến Đò", "/xa-binh-an-ben-do")]
        slots = session.scalars(select(Slot).where(Slot.station_id == station.id).order_by(Slot.start_time)).all()
        assert [(f"{s.start_time:%H:%M}", s.duration_s) for s in slots] == [("05:30", 1800), ("17:00", 1800)]
        template = session.get(ProgrammeTemplate, slots[0].template_id)
        assert template.station_id == station.id and template.items[0] == {"kind": "jingle_open"}
        assert [(s.slug, s.zones) for s in list_stations(session)] == [("xa-binh-an", 2), ("xa-moi", 3)]
        assert _count(session, Slot) == 2  # --no-slots made none


@pytest.mark.parametrize("slug, name, zones, tz, error, field", [
    ("xã-a", "Xã A", [("thon-1", "Thôn 1")], "Asia/Ho_Chi_Minh", InvalidInput, "slug"),
    ("-a", "Xã A", [("thon-1", "Thôn 1")], "Asia/Ho_Chi_Minh", InvalidInput, "slug"),
    ("xa-a", "  ", [("thon-1", "Thôn 1")], "Asia/Ho_Chi_Minh", InvalidInput, "name"),
    ("xa-a", "Xã A", [], "Asia/Ho_Chi_Minh", InvalidInput, "zones"),
    ("xa-a", "Xã A", [("thon-1", "Thôn 1")], "Asia/Hanoi-ish", InvalidInput, "timezone"),
    ("xa-a", "Xã A", [("thon-1", "Thôn 1"), ("thon-1", "Thôn Một")], "Asia/Ho_Chi_Minh", InvalidInput, "code"),
    ("cu", "Xã A", [("thon-1", "Thôn 1")], "Asia/Ho_Chi_Minh", Conflict, None),
])
def test_a_wrong_station_is_refused_in_one_sentence_and_nothing_is_saved(factory, slug, name, zones, tz, error, field):
    with transaction(factory) as session:
        create_station(session, "cu", "Xã Cũ", numbered_zones(1))
    with pytest.raises(error) as caught:
        with transaction(factory) as session:
            create_station(session, slug, name, zones, tz)
    message = str(caught.value)
    assert message.count(".") <= 2 and ":" in message and "Traceback" not in message
    assert getattr(caught.value, "field", None) == field
    with transaction(factory) as session:
        assert _count(session, Station) == 1 and _count(session, Zone) == 1 and _count(session, Slot) == 2


def test_roles_are_granted_changed_and_revoked_per_station_and_the_last_admin_stays(factory):
    with transaction(factory) as session:
        a = create_station(session, "xa-a", "Xã A", numbered_zones(1), standard_slots=False)
        create_station(session, "xa-b", "Xã B", numbered_zones(1), standard_slots=False)
        create_user(session, "quantri-a", "matkhau123", Role.ADMIN, a)
        create_user(session, "tinh", "matkhau123", Role.VIEWER, a)
    with transaction(factory) as session:
        grant(session, "tinh", "xa-b", Role.EDITOR)
        grant(session, "tinh", "XA-B", Role.APPROVER)  # a second grant replaces the role
        tinh = get_user(session, "tinh")
        assert sorted((m.station.slug, m.role) for m in tinh.memberships) == [("xa-a", Role.VIEWER), ("xa-b", Role.APPROVER)]
    with transaction(factory) as session:
        revoke(session, "tinh", "xa-a")
        assert [m.station.slug for m in get_user(session, "tinh").memberships] == ["xa-b"]
    for call, error in ((lambda s: revoke(s, "tinh", "xa-a"), NotFound), (lambda s: revoke(s, "quantri-a", "xa-a"), InvalidInput),
                        (lambda s: grant(s, "tinh", "xa-z", Role.VIEWER), NotFound), (lambda s: grant(s, "ai-do", "xa-a", Role.VIEWER), NotFound)):
        with pytest.raises(error):
            with transaction(factory) as session:
                call(session)
    with transaction(factory) as session:
        assert _count(session, Membership) == 2


def test_a_commune_admin_cannot_lock_or_reset_an_account_that_works_at_other_stations(factory):
    with transaction(factory) as session:
        a = create_station(session, "xa-a", "Xã A", numbered_zones(1), standard_slots=False)
        create_station(session, "xa-b", "Xã B", numbered_zones(1), standard_slots=False)
        admin_a = create_user(session, "quantri-a", "matkhau123", Role.ADMIN, a)
        local = create_user(session, "bientap-a", "matkhau123", Role.EDITOR, a)
        province = create_user(session, "tinh", "matkhau123", Role.VIEWER, a)
        grant(session, "tinh", "xa-b", Role.ADMIN)
        check_can_manage(session, admin_a, local)
        check_can_manage(session, province, province)  # everyone may change their own password
        with pytest.raises(PermissionDenied, match="đài khác"):
            check_can_manage(session, admin_a, province)
        with pytest.raises(PermissionDenied):  # admin at xa-b only: xa-a's admin is not theirs to lock
            check_can_manage(session, province, admin_a)
        grant(session, "tinh", "xa-a", Role.ADMIN)
        check_can_manage(session, province, admin_a)


def run(args: list[str], settings):
    return CliRunner().invoke(main, [*cli_args(settings), *args])


def test_station_and_user_commands(settings, factory):
    made = run(["station", "create", "xa-a", "--name", "Đài truyền thanh xã A", "--zones", "3"], settings)
    assert made.exit_code == 0, made.output
    assert "Đã tạo đài xa-a: 3 thôn" in made.output and "05:30 và 17:00" in made.output and "4 nhạc hiệu" in made.output
    assert run(["station", "create", "xa-b", "--name", "Xã B", "--zone", "thon-1=Thôn 1", "--zone", "ben-do=Bến Đò", "--no-jingles"], settings).exit_code == 0
    listed = run(["station", "list"], settings)
    assert listed.output.splitlines() == ["xa-a\tĐài truyền thanh xã A\t3 thôn\t0 người dùng\tAsia/Ho_Chi_Minh",
                                          "xa-b\tXã B\t2 thôn\t0 người dùng\tAsia/Ho_Chi_Minh"]
    with transaction(factory) as session:
        assets = session.scalars(select(Asset).join(Station).where(Station.slug == "xa-a")).all()
        assert sorted(a.kind for a in assets) == ["filler", "jingle_close", "jingle_open", "separator"]
        assert all(Path(a.path).is_file() and a.duration_s > 1 for a in assets)
    added = CliRunner().invoke(main, [*cli_args(settings), "--station", "xa-a", "user", "add", "tinh", "--role", "viewer", "--password", "matkhau123"])
    assert added.exit_code == 0, added.output
    granted = run(["user", "grant", "tinh", "xa-b", "biên tập"], settings)
    assert granted.exit_code == 0 and "biên tập tại đài xa-b" in granted.output
    assert "xa-a:viewer, xa-b:editor" in run(["user", "list"], settings).output
    assert run(["user", "revoke", "tinh", "xa-a"], settings).exit_code == 0
    for args, sentence in ((["station", "create", "xa-a", "--name", "X", "--zones", "2"], "Đã có đài mã xa-a"),
                           (["station", "create", "xa-c", "--name", "X", "--zones", "2", "--zone", "a=A"], "Chỉ dùng một cách"),
                           (["station", "create", "xa-c", "--name", "X", "--zones", "0"], "Số thôn phải từ 1"),
                           (["station", "create", "xa-c", "--name", "X", "--zone", "thon-1"], "mã=Tên"),
                           (["user", "grant", "tinh", "xa-z", "viewer"], "Chưa có đài 'xa-z'"),
                           (["user", "grant", "tinh", "xa-a", "chu-tich"], "Vai trò"),
                           (["user", "revoke", "tinh", "xa-a"], "không có quyền ở đài xa-a")):
        result = run(args, settings)
        assert result.exit_code == 1 and sentence in result.output and "Traceback" not in result.output, (args, result.output)
    assert run(["station", "list"], settings).output.count("\n") == 2
