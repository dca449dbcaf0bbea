"""Property tests of the script use case on free text: valid input is stored cleaned and NFC, invalid input stores nothing."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from broadcast.content.scripts import MAX_BODY_CHARS, MAX_TITLE, create_script
from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.models import Script, ScriptVersion
from broadcast.stations.lookup import get_station
from scripts_vi.clean import clean_text

VIETNAMESE = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ .,;:!?0123456789\n"))
TEXT = st.one_of(st.text(VIETNAMESE, max_size=200), st.text(max_size=200),
                 st.text(VIETNAMESE, min_size=1, max_size=50).map(lambda s: unicodedata.normalize("NFD", s)))


EXAMPLES = 150


def _count(factory) -> tuple[int, int]:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(Script)), session.scalar(select(func.count()).select_from(ScriptVersion))


def test_create_script_stores_clean_nfc_text_or_nothing(demo_settings, demo_factory, record):
    seen = {"stored": 0, "refused": 0}

    @hsettings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(title=TEXT, body=st.one_of(TEXT, st.just("x" * (MAX_BODY_CHARS + 1))))
    def check(title: str, body: str) -> None:
        before = _count(demo_factory)
        try:
            with transaction(demo_factory) as session:
                script = create_script(session, get_station(session, demo_settings.station), title, body)
                script_id = script.id
        except InvalidInput as exc:
            seen["refused"] += 1
            assert exc.field in ("title", "body") and str(exc).count("\n") == 0
            assert _count(demo_factory) == before  # nothing half-saved
            expected_title, expected_body = clean_text(title).strip(), clean_text(body).strip()
            assert not expected_title or not expected_body or len(expected_title) > MAX_TITLE or len(expected_body) > MAX_BODY_CHARS
            return
        seen["stored"] += 1
        with transaction(demo_factory) as session:
            stored = session.get(Script, script_id)
            assert stored.title and stored.body
            assert unicodedata.is_normalized("NFC", stored.title) and unicodedata.is_normalized("NFC", stored.body)
            assert "\x00" not in stored.title + stored.body
            assert stored.title == stored.title.strip() and len(stored.title) <= MAX_TITLE
            assert [v.body for v in stored.versions] == [stored.body]
        assert _count(demo_factory) == (before[0] + 1, before[1] + 1)

    check()
    assert seen["stored"] > 10 and seen["refused"] > 10 and seen["stored"] + seen["refused"] >= EXAMPLES, seen
    record("hypothesis_create_script", seen["stored"] + seen["refused"], f"generated titles/bodies through broadcast.content.scripts.create_script: "
           f"{seen['stored']} stored cleaned and NFC with one version, {seen['refused']} refused with InvalidInput naming the field and nothing stored")
