"""Script files: a small key: value front matter between --- lines, then the body."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import date

from scripts_vi.errors import BadHeader

HEADER_KEYS = ("title", "category", "campaign", "priority", "valid_from", "valid_to", "notes")
PRIORITIES = ("normal", "priority", "emergency")
_PRIORITY_ALIASES = {
    "normal": "normal",
    "thong thuong": "normal",
    "binh thuong": "normal",
    "priority": "priority",
    "uu tien": "priority",
    "emergency": "emergency",
    "khan cap": "emergency",
    "khan": "emergency",
}
_FENCE = "---"


@dataclass(frozen=True)
class ScriptDoc:
    """A script: header fields (None when absent) and the body text."""

    body: str = ""
    title: str | None = None
    category: str | None = None
    campaign: str | None = None
    priority: str = "normal"
    valid_from: date | None = None
    valid_to: date | None = None
    notes: str | None = None


def _fold(text: str) -> str:
    """Lowercase without diacritics, so 'Khẩn cấp' and 'khan cap' compare equal."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def parse_priority(value: str) -> str:
    """Map an English or Vietnamese priority word to normal, priority or emergency."""
    found = _PRIORITY_ALIASES.get(_fold(value))
    if found is None:
        raise BadHeader(
            f"Giá trị «{value}» của khóa «priority» không hợp lệ; hãy ghi một trong: thông thường, ưu tiên, khẩn cấp (hoặc normal, priority, emergency)."
        )
    return found


def _parse_date(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadHeader(
            f"Ngày «{value}» của khóa «{key}» không hợp lệ; hãy ghi theo dạng năm-tháng-ngày, ví dụ 2024-11-15."
        ) from None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_front_matter(text: str) -> tuple[list[str], str] | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == _FENCE:
            return lines[1:i], "\n".join(lines[i + 1:])
    raise BadHeader("Phần đầu tệp mở bằng dòng «---» nhưng thiếu dòng «---» đóng lại; hãy thêm dòng «---» sau khóa cuối cùng.")


def parse_script(text: str) -> ScriptDoc:
    """Parse a script with optional front matter; a bad header raises BadHeader naming the key."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    split = _split_front_matter(text)
    if split is None:
        return ScriptDoc(body=text.strip("\n"))
    header_lines, body = split
    values: dict[str, object] = {}
    for line in header_lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        key = key.strip().lower()
        if not sep:
            raise BadHeader(f"Dòng «{stripped}» ở phần đầu tệp thiếu dấu hai chấm; hãy viết theo dạng «khóa: giá trị».")
        if key not in HEADER_KEYS:
            raise BadHeader(
                f"Khóa «{key}» không được hỗ trợ ở phần đầu tệp; hãy dùng một trong: {', '.join(HEADER_KEYS)}."
            )
        if key in values:
            raise BadHeader(f"Khóa «{key}» xuất hiện hai lần ở phần đầu tệp; hãy giữ lại một dòng.")
        quoted = _unquote(value) != value.strip()
        value = _unquote(value)
        if key == "priority":
            values[key] = parse_priority(value) if value else "normal"
        elif key in ("valid_from", "valid_to"):
            values[key] = _parse_date(key, value) if value else None
        else:
            values[key] = value if (value or quoted) else None
    doc = ScriptDoc(body=body.strip("\n"), **values)  # type: ignore[arg-type]
    if doc.valid_from and doc.valid_to and doc.valid_from > doc.valid_to:
        raise BadHeader(
            f"Khóa «valid_to» ({doc.valid_to.isoformat()}) sớm hơn «valid_from» ({doc.valid_from.isoformat()}); hãy sửa lại cho ngày kết thúc sau ngày bắt đầu."
        )
    return doc


def format_script(doc: ScriptDoc) -> str:
    """Write a ScriptDoc back as front matter plus body; parse_script reads it back equal."""
    lines = [_FENCE]
    for f in fields(ScriptDoc):
        if f.name == "body":
            continue
        value = getattr(doc, f.name)
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, date) else str(value)
        if "\n" in text or "\r" in text:
            raise BadHeader(f"Giá trị của khóa «{f.name}» có xuống dòng; hãy viết nó trên một dòng.")
        if not text or text != text.strip() or (len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"):
            text = f'"{text}"'
        lines.append(f"{f.name}: {text}")
    lines.append(_FENCE)
    return "\n".join(lines) + "\n\n" + doc.body.strip("\n") + "\n"
