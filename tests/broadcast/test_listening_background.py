"""The panel's listening check runs beside it: a database that refuses its score loses that score and nothing else."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event, select

from audio import speech_check
from broadcast.content.listening import score_in_background
from broadcast.content.rendering import render_script
from broadcast.content.scripts import approve_script, create_script
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import Render, User
from broadcast.stations.lookup import get_station

pytestmark = pytest.mark.skipif(not speech_check.available(), reason="viet-asr is an optional extra")


def _read_only(engine):  # type: ignore[no-untyped-def]
    """Every connection of engine refuses writes (SQLite's query_only, PostgreSQL's read-only transactions)."""
    def refuse_writes(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if engine.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA query_only = ON")
        else:
            dbapi_connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()

    event.listen(engine, "connect", refuse_writes)
    return engine


def test_a_refused_score_is_logged_and_heard_again_later(demo_settings, caplog):
    engine = make_engine(demo_settings.db_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        station = get_station(session, demo_settings.station)
        script = create_script(session, station, "Họp thôn", "Kính thưa bà con. Chiều nay thôn tổ chức họp.")
        approve_script(session, script, session.scalar(select(User).where(User.username == "pheduyet")))
        render, _ = render_script(session, demo_settings, script, station)
        render_id = render.id
    refusing = _read_only(make_engine(demo_settings.db_url))
    with caplog.at_level(logging.WARNING, logger="loaxa.listening"):
        thread = score_in_background(make_session_factory(refusing), demo_settings, render_id)
        thread.join(300)
    assert not thread.is_alive() and f"listening check of render {render_id} not kept" in caplog.text
    with transaction(factory) as session:
        assert session.get(Render, render_id).speech_cer is None  # still unheard: `loaxa check-speech` hears it
    thread = score_in_background(factory, demo_settings, render_id)
    thread.join(300)
    with transaction(factory) as session:
        assert session.get(Render, render_id).speech_cer is not None
    refusing.dispose(), engine.dispose()
