"""parse_script / format_script."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts_vi.errors import ScriptError
from scripts_vi.scriptfile import ScriptDoc, format_script, parse_script

FULL = """---
title: Hưởng ứng Tháng hành động
category: tuyen-truyen
campaign: bdg-2024
priority: ưu tiên
valid_from: 2024-11-15
valid_to: 2024-12-15
notes: Đọc sau bản tin sáng
---

Kính thưa bà con nhân dân.
"""


def test_parse_full_header():
    doc = parse_script(FULL)
    assert doc == ScriptDoc(
        body="Kính thưa bà con nhân dân.",
        title="Hưởng ứng Tháng hành động",
        category="tuyen-truyen",
        campaign="bdg-2024",
        priority="priority",
        valid_from=date(2024, 11, 15),
        valid_to=date(2024, 12, 15),
        notes="Đọc sau bản tin sáng",
    )


def test_round_trip():
    doc = parse_script(FULL)
    assert parse_script(format_script(doc)) == doc


def test_no_header_is_all_body():
    assert parse_script("Chỉ có nội dung\n") == ScriptDoc(body="Chỉ có nội dung")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("normal", "normal"), ("Thông thường", "normal"), ("uu tien", "priority"), ("KHẨN CẤP", "emergency"), ("emergency", "emergency")],
)
def test_priority_words(value, expected):
    assert parse_script(f"---\npriority: {value}\n---\nx").priority == expected


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("colour: đỏ", "colour"),
        ("priority: gấp lắm", "priority"),
        ("valid_from: 15/11/2024", "valid_from"),
        ("valid_to: 2024-13-01", "valid_to"),
        ("title: a\ntitle: b", "title"),
        ("valid_from: 2024-12-15\nvalid_to: 2024-11-15", "valid_to"),
    ],
)
def test_bad_header_names_the_key(header, key):
    with pytest.raises(ScriptError) as info:
        parse_script(f"---\n{header}\n---\nNội dung")
    assert f"«{key}»" in str(info.value)


def test_unclosed_header():
    with pytest.raises(ScriptError):
        parse_script("---\ntitle: a\nNội dung")


def test_line_without_colon():
    with pytest.raises(ScriptError):
        parse_script("---\ntitle a\n---\nx")


_line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)


@settings(max_examples=100, deadline=None)
@given(
    title=st.none() | _line,
    notes=st.none() | _line,
    priority=st.sampled_from(["normal", "priority", "emergency"]),
    body=st.text(max_size=80).map(lambda s: s.replace("\r", "").strip("\n")),
    start=st.none() | st.dates(),
)
def test_format_parse_inverse(title, notes, priority, body, start):
    doc = ScriptDoc(body=body, title=title, notes=notes, priority=priority, valid_from=start)
    assert parse_script(format_script(doc)) == doc
