"""The `loaxa` command group: the composition root of the CLI."""

from __future__ import annotations

import getpass
import socket
import sys
from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from audio.tools import Tools
from broadcast.audit import trail
from broadcast.audit.capture import Action, track
from broadcast.config import Settings, load_settings
from broadcast.db import make_engine, make_session_factory, transaction, upgrade
from broadcast.errors import operator_errors
from broadcast.hashchain import VerifyResult


@dataclass
class Runtime:
    """Settings and database handles, created on first use so `--help` needs neither."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _engine: Engine | None = None
    _action: Action | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(**self.overrides)
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.db_url)
        return self._engine

    def factory(self, migrate: bool = True) -> sessionmaker[Session]:
        """A session factory on an up-to-date schema; the command's first commit that changes a row is audited."""
        if migrate:
            upgrade(self.engine)
        factory = make_session_factory(self.engine)
        track(factory, self.action)
        return factory

    def action(self) -> Action | None:
        """The command under way as an audited action (None for the long-running processes: their writes are playout's)."""
        if self._action is None:
            ctx = click.get_current_context(silent=True)
            path = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
            if not path or path in UNAUDITED_COMMANDS:
                return None
            self._action = Action(cli_actor(), f"cli.{path.replace(' ', '.')}", socket.gethostname())
        return self._action

    def note(self, action: str, obj: Any = None, changes: Any = None) -> None:
        """Append a row for a command that changes no table through a session (backup, restore) and commit it."""
        with transaction(self.factory()) as session:
            trail.record(session, cli_actor(), action, obj, changes, socket.gethostname())


# The processes: the player and the panel write as themselves (the as-run log, the panel's own audit rows).
UNAUDITED_COMMANDS = frozenset({"serve", "play", "web", "edge sync", "receiver"})


def cli_actor() -> trail.Actor:
    """The operating-system user running the command."""
    return trail.Actor("cli", getpass.getuser())


class LoaxaGroup(click.Group):
    """A click group that turns operator errors into one clean sentence instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except operator_errors() as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a path the user gave (or the data dir) cannot be read or written
            where = exc.filename or "tệp"
            raise click.ClickException(f"Không đọc/ghi được {where} ({exc.strerror or exc}): hãy kiểm tra đường dẫn, chỗ trống trên ổ đĩa và quyền ghi.") from None


def echo_verified(result: VerifyResult, log_name: str) -> None:
    """Say whether a hash-chained log verified (its rows) or where it was altered, then exit 1."""
    if result.ok:
        click.echo(f"{log_name} toàn vẹn: {result.rows} dòng, chuỗi băm khớp.")
        return
    click.echo(f"{log_name} đã bị thay đổi: {result.reason}.", err=True)
    sys.exit(1)


def require_tools(tools: Tools, *names: str) -> None:
    """Stop with a clear sentence (ToolMissing) when a program of the settings (ffmpeg, ffprobe, espeak) is missing."""
    for name in names:
        tools.path(name)


pass_runtime = click.make_pass_decorator(Runtime)


@click.group(cls=LoaxaGroup)
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Folder for database and audio (LOAXA_DATA_DIR).")
@click.option("--station", default=None, help="Station slug (LOAXA_STATION).")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, station: str | None) -> None:
    """loaxa: phần mềm Đài truyền thanh xã."""
    overrides: dict[str, Any] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    if station:
        overrides["station"] = station
    ctx.obj = Runtime(overrides)


def _register() -> None:
    from loaxa.cli import audit, bulletin, content, edge, live, logcmd, maintenance, media, receivers, report, schedule, slots, station, stations, users

    for module in (audit, bulletin, content, edge, live, logcmd, maintenance, media, receivers, report, schedule, slots, station, stations, users):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

