"""The operator's voice choices (region, male or female, pace) as espeak-ng voices and options."""

from __future__ import annotations

from dataclasses import dataclass

from audio.errors import BadVoiceOption
from audio.tts.espeak import DEFAULTS

# espeak-ng ships one voice per Vietnamese region (Northern, Central, Southern).
REGIONS: dict[str, str] = {"north": "vi", "central": "vi-vn-x-central", "south": "vi-vn-x-south"}
REGION_LABELS: dict[str, str] = {"north": "Bắc", "central": "Trung", "south": "Nam"}
# The variant measured best for each sex (docs/voice.md): f3, and espeak-ng's own male voice ("").
GENDERS: dict[str, str] = {"male": "", "female": "f3"}
GENDER_LABELS: dict[str, str] = {"male": "Giọng nam", "female": "Giọng nữ"}
# Words per minute: "normal" is the tuned default; "slow" is about 15 % slower, for elderly listeners and echoes.
PACES: dict[str, int] = {"normal": 145, "slow": 125}
PACE_LABELS: dict[str, str] = {"normal": "Bình thường", "slow": "Chậm"}


@dataclass(frozen=True)
class VoiceStyle:
    """What an operator chose: region, sex and pace (codes of the tables above)."""

    region: str = "north"
    gender: str = "female"
    pace: str = "normal"

    def label(self) -> str:
        """How the panel and the log name the style: 'Bắc, giọng nữ, bình thường'."""
        return f"{REGION_LABELS[self.region]}, {GENDER_LABELS[self.gender].lower()}, {PACE_LABELS[self.pace].lower()}"

    def as_dict(self) -> dict[str, str]:
        """The style as stored in the database (JSON)."""
        return {"region": self.region, "gender": self.gender, "pace": self.pace}


DEFAULT_STYLE = VoiceStyle()


def parse_style(region: str | None, gender: str | None, pace: str | None) -> VoiceStyle:
    """A style from form values; BadVoiceOption in one sentence naming the bad field and the choices."""
    for value, table, what in ((region, REGION_LABELS, "Vùng giọng"), (gender, GENDER_LABELS, "Giọng nam hay nữ"),
                               (pace, PACE_LABELS, "Tốc độ đọc")):
        if value not in table:
            raise BadVoiceOption(f"{what} '{value or ''}' không hợp lệ: hãy chọn {', '.join(table.values())}.")
    return VoiceStyle(str(region), str(gender), str(pace))


def style_from_dict(data: dict | None) -> VoiceStyle | None:
    """A stored style, or None when nothing (or something no longer valid) is stored."""
    if not data:
        return None
    try:
        return parse_style(data.get("region"), data.get("gender"), data.get("pace"))
    except BadVoiceOption:
        return None


def espeak_voice(style: VoiceStyle) -> tuple[str, dict[str, object]]:
    """The espeak-ng voice and options that speak a style."""
    return REGIONS[style.region], {"variant": GENDERS[style.gender], "speed": PACES[style.pace]}


def describe(voice: str, options: dict[str, object]) -> str:
    """The espeak-ng voice and speed that spoke, for a render row and the log: 'vi-vn-x-south+f3, 125 từ/phút'."""
    merged = {**DEFAULTS, **options}
    variant = f"+{merged['variant']}" if merged["variant"] else ""
    return f"{voice}{variant}, {merged['speed']} từ/phút"
