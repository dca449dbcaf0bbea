"""One settings object for the whole station, read from LOAXA_* variables and an optional TOML file."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audio.tools import Tools
from scripts_vi.tools import ImportTools
from broadcast.errors import ConfigError

ENV_PREFIX = "LOAXA_"
CONFIG_FILE_ENV = "LOAXA_CONFIG"


def _setting(default: Any, help: str) -> Any:
    """Declare a setting with its default and the help text shown in docs and errors."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every tunable of loaxa; each field's metadata carries its help text."""

    data_dir: Path = _setting(Path("var"), "Folder for the database, audio, air-checks and the secret key.")
    database_url: str = _setting("", "SQLAlchemy URL; empty means a SQLite file loaxa.db inside data_dir.")
    host: str = _setting("127.0.0.1", "Address the web panel listens on.")
    port: int = _setting(5000, "Port the web panel listens on.")
    web_workers: int = _setting(1, "Panel worker processes: 1 serves with waitress (a commune); more run gunicorn with that many workers (a province's central panel, about 2 per core).")
    timezone: str = _setting("Asia/Ho_Chi_Minh", "Local time zone in which slots are written and times are shown.")
    station: str = _setting("cam-tan", "Slug of the station this machine plays out.")
    test_broadcast_delay_s: int = _setting(60, "Seconds after `loaxa serve` starts at which the test broadcast airs; 0 disables it.")
    sync_interval_s: float = _setting(10.0, "How often the playout process re-reads the plan from the database.")
    preload_s: float = _setting(5.0, "Seconds before a broadcast's start at which playout prepares it.")
    late_grace_s: int = _setting(300, "After a restart, a broadcast that should have started at most this long ago still airs, logged as late.")
    plan_days_ahead: int = _setting(2, "Days of broadcasts that playout keeps planned and assembled ahead.")
    aircheck: bool = _setting(True, "Record every broadcast to a dated air-check file.")
    aircheck_days: int = _setting(90, "Days air-check recordings are kept before they are deleted.")
    live_silence_s: float = _setting(5.0, "A live talk whose sender sends no audio this many seconds (tab closed, phone off the Wi-Fi) ends by itself and the schedule continues.")
    live_input: str = _setting("", "ffmpeg input of the station's own microphone or line input for `loaxa live` and the panel's station-microphone button, e.g. alsa:default or pulse:default; empty means none.")
    https: bool = _setting(False, "Serve the panel over HTTPS with a self-signed certificate made once in data_dir/tls (phones give the microphone only to secure pages); served by gunicorn.")
    alsa_device: str = _setting("", "ALSA device of the sound card feeding the amplifier (e.g. default or hw:0); empty means no sound-card output.")
    icecast_url: str = _setting("", "Icecast base URL for zone streams, e.g. icecast://source:PASSWORD@127.0.0.1:8000; empty means no streaming.")
    icecast_admin_user: str = _setting("admin", "Icecast admin user, for the listener list of each zone's mount (receivers page).")
    icecast_admin_password: str = _setting("", "Icecast admin password; empty means the source password of icecast_url.")
    receiver_webhook_url: str = _setting("", "URL that receives a JSON POST when a receiver is offline at air time or silent during a broadcast, and when it is back; empty means panel alerts only.")
    ffmpeg: str = _setting(Tools.ffmpeg, "ffmpeg executable: a name looked up on PATH or a full path.")
    ffprobe: str = _setting(Tools.ffprobe, "ffprobe executable: a name looked up on PATH or a full path.")
    espeak: str = _setting(Tools.espeak, "espeak-ng executable: a name looked up on PATH or a full path.")
    pdfinfo: str = _setting(ImportTools.pdfinfo, "poppler's pdfinfo executable (importing PDF scripts): a name on PATH or a full path.")
    pdftotext: str = _setting(ImportTools.pdftotext, "poppler's pdftotext executable (importing PDF scripts): a name on PATH or a full path.")
    soffice: str = _setting(ImportTools.soffice, "LibreOffice's soffice executable (importing Word 97–2003 .doc scripts): a name on PATH or a full path.")
    piper_voices: str = _setting("", "Folders of Piper .onnx voices to list, separated by ':'; a voice may also be given as any file path.")
    gtts_timeout_s: float = _setting(8.0, "Seconds gTTS may wait for Google's service before the next voice is tried.")
    render_workers: int = _setting(0, "Parallel renders; 0 means one per CPU core.")
    max_upload_mb: int = _setting(50, "Largest audio or document upload accepted, in megabytes.")
    media_max_minutes: int = _setting(60, "Longest audio file accepted into the media library, in minutes.")
    session_minutes: int = _setting(480, "Minutes after which a panel login expires.")
    login_rate_limit: str = _setting("10 per minute", "How many login attempts one address may make.")
    api_rate_limit: str = _setting("120 per minute", "How many /api/v1 calls one API token may make.")
    log_level: str = _setting("INFO", "Logging level of the panel and the playout process.")

    @property
    def tz(self) -> ZoneInfo:
        """The station's local time zone."""
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'loaxa.db').resolve()}"

    @property
    def audio_dir(self) -> Path:
        """Folder of rendered and uploaded audio."""
        return self.data_dir / "audio"

    @property
    def aircheck_dir(self) -> Path:
        """Folder of air-check recordings."""
        return self.data_dir / "aircheck"

    @property
    def broadcasts_dir(self) -> Path:
        """Folder of assembled broadcast files."""
        return self.data_dir / "broadcasts"

    @cached_property
    def tools(self) -> Tools:
        """The programs and voice folders audio/ is given (it reads no environment of its own)."""
        voice_dirs = tuple(Path(folder) for folder in self.piper_voices.split(os.pathsep) if folder)
        return Tools(ffmpeg=self.ffmpeg, ffprobe=self.ffprobe, espeak=self.espeak, piper_voice_dirs=voice_dirs)

    @cached_property
    def import_tools(self) -> ImportTools:
        """The programs scripts_vi's importers are given (it reads no environment of its own)."""
        return ImportTools(pdfinfo=self.pdfinfo, pdftotext=self.pdftotext, soffice=self.soffice)


def setting_help() -> dict[str, str]:
    """Map each setting name to its help text."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(Settings)}


def _coerce(name: str, raw: Any, target: Any) -> Any:
    """Turn a raw env/TOML value into the type of the setting's default, or raise ConfigError."""
    kind = type(target)
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(str(raw).strip())
        if kind is float:
            return float(str(raw).strip())
        if isinstance(target, Path):
            return Path(str(raw))
        return str(raw)
    except ValueError:
        env = ENV_PREFIX + name.upper()
        raise ConfigError(
            f"Cài đặt {name} ({env}) có giá trị không hợp lệ {raw!r}: cần một giá trị kiểu {kind.__name__}."
        ) from None


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, then the TOML file, then LOAXA_* variables, then overrides."""
    env = os.environ if env is None else env
    defaults = Settings()
    known = {f.name for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}

    config_path = env.get(CONFIG_FILE_ENV)
    if config_path:
        values.update(_read_toml(Path(config_path), known))
    for name in known:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})

    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"Không có cài đặt nào tên {sorted(unknown)[0]}: xem danh sách trong docs/configuration.md.")
    typed = {name: _coerce(name, raw, getattr(defaults, name)) for name, raw in values.items()}
    settings = dataclasses.replace(defaults, **typed)
    _validate(settings)
    return settings


def _read_toml(path: Path, known: set[str]) -> dict[str, Any]:
    """Read the [loaxa] table (or the top level) of a TOML settings file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path} (biến {CONFIG_FILE_ENV}): sửa đường dẫn hoặc bỏ biến này.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Tệp cấu hình {path} không đọc được ({exc}): sửa cú pháp TOML.") from None
    return dict(data.get("loaxa", data))


def _validate(settings: Settings) -> None:
    """Reject settings that parse but cannot work."""
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"Cài đặt timezone ({ENV_PREFIX}TIMEZONE) không phải múi giờ hợp lệ: {settings.timezone!r}, ví dụ Asia/Ho_Chi_Minh.") from None
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"Cài đặt port ({ENV_PREFIX}PORT) phải nằm trong 1–65535, đang là {settings.port}.")
    for name in ("sync_interval_s", "preload_s", "gtts_timeout_s", "live_silence_s"):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"Cài đặt {name} ({ENV_PREFIX}{name.upper()}) phải lớn hơn 0.")
    for name in ("late_grace_s", "aircheck_days", "render_workers", "test_broadcast_delay_s", "plan_days_ahead"):
        if getattr(settings, name) < 0:
            raise ConfigError(f"Cài đặt {name} ({ENV_PREFIX}{name.upper()}) không được âm.")
    if not 1 <= settings.web_workers <= 64:
        raise ConfigError(f"Cài đặt web_workers ({ENV_PREFIX}WEB_WORKERS) phải nằm trong 1–64, đang là {settings.web_workers}.")
    if settings.media_max_minutes <= 0:
        raise ConfigError(f"Cài đặt media_max_minutes ({ENV_PREFIX}MEDIA_MAX_MINUTES) phải lớn hơn 0.")
    if settings.max_upload_mb <= 0:
        raise ConfigError(f"Cài đặt max_upload_mb ({ENV_PREFIX}MAX_UPLOAD_MB) phải lớn hơn 0.")
