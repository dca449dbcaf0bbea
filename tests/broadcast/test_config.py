"""Settings: defaults, env and TOML sources, clear errors, and every setting documented."""

from pathlib import Path

import pytest

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
