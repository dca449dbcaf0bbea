"""The `loaxa` command group: the composition root of the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from audio.tools import Tools
from broadcast.config import Settings, load_settings
from broadcast.db import make_engine, make_session_factory, upgrade
from broadcast.errors import operator_errors


@dataclass
class Runtime:
    """Settings and database handles, created on first use so `--help` needs neither."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _engine: Engine | None = None

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
        """A session factory on an up-to-date schema."""
        if migrate:
            upgrade(self.engine)
        return make_session_factory(self.engine)


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
    from loaxa.cli import bulletin, content, edge, live, logcmd, maintenance, report, schedule, station, stations, users

    for module in (bulletin, content, edge, live, logcmd, maintenance, report, schedule, station, stations, users):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

