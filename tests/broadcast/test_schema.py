"""The models (split by area in broadcast/models/) and the migrations describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from broadcast.models import Base


def test_migrated_database_matches_the_models(settings, factory):
    """Autogenerate finds nothing to add, drop or alter after `upgrade` on SQLite and PostgreSQL."""
    engine = factory.kw["bind"]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_every_table_is_registered():
    """Each area module's tables reach the one metadata that migrations and backups use."""
    assert sorted(Base.metadata.tables) == sorted([
        "stations", "zones", "users", "memberships", "campaigns", "scripts", "script_versions", "campaign_scripts",
        "recordings", "renders", "assets", "programme_templates", "slots", "broadcasts", "broadcast_items", "asrun_log",
        "lexicon_entries", "report_notes", "player_heartbeats", "bulletins", "bulletin_targets", "edge_tokens", "edge_audio", "audit_log", "api_tokens",
            "receivers", "receiver_reports", "receiver_outages", "edge_status", "live_sessions",
    ])
