"""`loaxa receivers add|list|revoke` and `loaxa receiver`'s checks, through click on a real database."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from broadcast.db import transaction
from broadcast.province.setup import create_station, numbered_zones
from loaxa.cli import main


def run(settings, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], catch_exceptions=False)


def test_add_list_and_revoke_a_receiver(settings, factory):
    with transaction(factory) as session:
        create_station(session, "cam-tan", "Cẩm Tân", numbered_zones(3))
    added = run(settings, "receivers", "add", "--zone", "thon-2", "--name", "Loa nhà văn hoá")
    assert added.exit_code == 0 and re.search(r"Máy thu số 1 \(Loa nhà văn hoá\)\. Mã \(chỉ hiện một lần\): \S{40,}", added.output)
    listed = run(settings, "receivers", "list")
    assert "thon-2" in listed.output and "red" in listed.output and "Chưa từng liên lạc" in listed.output
    assert "Đã thu hồi mã của máy thu số 1 (thon-2)" in run(settings, "receivers", "revoke", "1").output
    assert "thon-2" not in run(settings, "receivers", "list").output
    unknown = run(settings, "receivers", "add", "--zone", "thon-9")
    assert unknown.exit_code == 1 and "không có thôn mã 'thon-9'" in unknown.output and "thon-1, thon-2, thon-3" in unknown.output


@pytest.mark.parametrize("args, words", [
    (["--url", "http://x/m", "--every", "soon"], "Chu kỳ báo cáo 'soon' không hợp lệ"),
    (["--url", "ftp://x/m"], "Địa chỉ luồng 'ftp://x/m' không hợp lệ"),
    (["--url", "http://x/m", "--report-url", "http://x/r"], "chưa có mã máy thu"),
])
def test_receiver_refuses_bad_options_with_one_sentence(settings, args, words):
    result = run(settings, "receiver", *args)
    assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output
