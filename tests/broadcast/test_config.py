"""Settings: defaults, env and TOML sources, clear errors, every setting documented and read, tools for audio/."""

import ast
import inspect
from functools import cached_property
from pathlib import Path

import pytest

from audio.tools import Tools
from broadcast.config import Settings, load_settings, setting_help
from broadcast.errors import ConfigError


def test_defaults_and_env_override():
    settings = load_settings(env={"LOAXA_PORT": "5055", "LOAXA_AIRCHECK": "no"})
    assert settings.port == 5055
    assert settings.aircheck is False
    assert settings.timezone == "Asia/Ho_Chi_Minh"


def test_toml_file_then_env_wins(tmp_path: Path):
    cfg = tmp_path / "loaxa.toml"
    cfg.write_text('[loaxa]\nport = 6000\nstation = "xa-khac"\n', encoding="utf-8")
    settings = load_settings(env={"LOAXA_CONFIG": str(cfg), "LOAXA_PORT": "6001"})
    assert settings.port == 6001 and settings.station == "xa-khac"


@pytest.mark.parametrize(
    "env, name",
    [
        ({"LOAXA_PORT": "abc"}, "port"),
        ({"LOAXA_PORT": "70000"}, "port"),
        ({"LOAXA_TIMEZONE": "Mars/Base"}, "timezone"),
        ({"LOAXA_AIRCHECK": "maybe"}, "aircheck"),
        ({"LOAXA_SYNC_INTERVAL_S": "0"}, "sync_interval_s"),
    ],
)
def test_bad_setting_names_itself(env, name):
    with pytest.raises(ConfigError) as err:
        load_settings(env=env)
    assert name in str(err.value)


def test_unreadable_toml_is_one_sentence(tmp_path: Path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("port = = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_settings(env={"LOAXA_CONFIG": str(cfg)})
    with pytest.raises(ConfigError, match="Không tìm thấy"):
        load_settings(env={"LOAXA_CONFIG": str(tmp_path / "missing.toml")})


def test_every_setting_has_help_and_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, text in setting_help().items():
        assert text.strip(), name
        assert f"LOAXA_{name.upper()}" in doc, f"{name} missing from docs/configuration.md"
    assert set(setting_help()) == set(Settings.__dataclass_fields__)


ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("loaxa", "web", "scheduler", "broadcast", "audio", "scripts_vi")


def _read_on_settings(tree: ast.AST) -> set[str]:
    """Attribute names read on something called settings (`settings.port`, `ctx.settings.port`, `settings().port`)."""
    read = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            owner = node.value.func if isinstance(node.value, ast.Call) else node.value
            if getattr(owner, "id", None) == "settings" or getattr(owner, "attr", None) == "settings":
                read.add(node.attr)
    return read


def _fields_behind_properties() -> dict[str, set[str]]:
    """Each property of Settings and the names it reads on self (db_url reads database_url and data_dir)."""
    derived = {}
    for node in ast.parse(inspect.getsource(Settings)).body[0].body:
        if isinstance(node, ast.FunctionDef) and isinstance(getattr(Settings, node.name), (property, cached_property)):
            derived[node.name] = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                                  and isinstance(n.value, ast.Name) and n.value.id == "self"}
    return derived


def test_every_setting_is_read_outside_config():
    read = set()
    for package in SOURCE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path != ROOT / "broadcast" / "config.py":
                read |= _read_on_settings(ast.parse(path.read_text(encoding="utf-8")))
    derived = _fields_behind_properties()
    assert "db_url" in derived  # the walk below must see through properties
    grown = True
    while grown:
        more = set().union(*(derived[name] for name in read & set(derived))) - read
        read |= more
        grown = bool(more)
    unread = set(Settings.__dataclass_fields__) - read
    assert not unread, f"settings documented but never read (a value for them would be silently ignored): {sorted(unread)}"


def test_tools_for_audio_come_from_the_settings_file(tmp_path: Path):
    voices = tmp_path / "voices"
    cfg = tmp_path / "loaxa.toml"
    cfg.write_text(f'[loaxa]\nffmpeg = "/opt/ff/ffmpeg"\nespeak = "/opt/es/espeak-ng"\npiper_voices = "{voices}:/srv/more"\n', encoding="utf-8")
    settings = load_settings(env={"LOAXA_CONFIG": str(cfg), "LOAXA_FFPROBE": "/opt/ff/ffprobe"})
    assert settings.tools == Tools(ffmpeg="/opt/ff/ffmpeg", ffprobe="/opt/ff/ffprobe", espeak="/opt/es/espeak-ng",
                                   piper_voice_dirs=(voices, Path("/srv/more")))
    assert settings.tools is settings.tools  # built once
    assert load_settings(env={}).tools == Tools(ffmpeg="ffmpeg", ffprobe="ffprobe", espeak="espeak-ng", piper_voice_dirs=())


def test_tools_for_importing_come_from_the_settings(tmp_path: Path):
    from scripts_vi.tools import ImportTools

    cfg = tmp_path / "loaxa.toml"
    cfg.write_text('[loaxa]\npdftotext = "/opt/poppler/pdftotext"\n', encoding="utf-8")
    settings = load_settings(env={"LOAXA_CONFIG": str(cfg), "LOAXA_SOFFICE": "/opt/lo/soffice"})
    assert settings.import_tools == ImportTools(pdfinfo="pdfinfo", pdftotext="/opt/poppler/pdftotext", soffice="/opt/lo/soffice")
    assert load_settings(env={}).import_tools == ImportTools()
