"""Every audited action has a Vietnamese name: each panel and API write endpoint, each sub-action, each CLI write."""

from __future__ import annotations

import pytest

from broadcast.audit.labels import ACTION_LABELS, action_label
from tests.broadcast.test_cli_audit import WRITES
from web.actions import UNAUDITED_BLUEPRINTS, UNAUDITED_ENDPOINTS

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The sub-actions the panel's forms and URLs name (name="action" values; the recording decision's URL part).
SUB_ACTIONS = ["admin.zones:add", "admin.zones:rename", "admin.zones:remove", "admin.lexicon:add", "admin.lexicon:update",
               "admin.lexicon:delete", "admin.user_action:add", "admin.user_action:role", "admin.user_action:lock",
               "admin.user_action:password", "approval.recording_decision:duyet", "approval.recording_decision:tra-lai"]


@pytest.mark.parametrize(("code", "label"), [
    ("scripts.new", "Viết bài mới"),
    ("admin.zones:add", "Thêm cụm loa"),
    ("admin.zones:something-new", "Sửa cụm loa"),  # an unnamed sub-action: its endpoint's name
    ("cli.user.add", "Thêm người dùng (dòng lệnh)"),
    ("reports.download", "Tải báo cáo"),
    ("plugin.unknown", "plugin.unknown"),  # never hidden for want of a name
    ("", ""),
])
def test_action_label(code, label):
    assert action_label(code) == label


def test_every_write_endpoint_has_its_own_label(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if (rule.methods or set()) & WRITE_METHODS}
    audited = {e for e in endpoints if e.split(".")[0] not in UNAUDITED_BLUEPRINTS and e not in UNAUDITED_ENDPOINTS}
    assert len(audited) > 50
    assert sorted(audited - set(ACTION_LABELS)) == []


def test_every_sub_action_and_cli_write_has_its_own_label():
    codes = SUB_ACTIONS + [f"cli.{command.replace(' ', '.')}" for command in WRITES]
    assert sorted(code for code in codes if code not in ACTION_LABELS) == []
    assert len(set(ACTION_LABELS.values())) == len(ACTION_LABELS)  # no two actions read alike
