"""A corpus of hostile and broken inputs shared by the CLI, form and JSON tests."""

from __future__ import annotations

import unicodedata

from scripts_vi.encodings import encode_cp1258, encode_tcvn3, encode_vni

VIETNAMESE = "Kính thưa bà con nhân dân, ngày 15/11/2024 UBND xã họp."

TEXTS: dict[str, str] = {
    "empty": "",
    "spaces": "   \n\t  ",
    "nul_and_controls": "Bài\x00 thử\x01\x02\x1b[31m đỏ\x7f",
    "rtl_marks": "\u202eKính thưa\u200f bà con\u200e",
    "zero_width": "Kính\u200b thưa\ufeff bà\u200d con",
    "nfd": unicodedata.normalize("NFD", VIETNAMESE),
    "html_script": "<script>alert('x')</script><b>Thông báo</b><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE scripts; -- \" OR 1=1 --",
    "path_traversal": "../../etc/passwd",
    "format_strings": "%s %n {0} {__class__} ${HOME} `id`",
    "emoji_astral": "Chúc mừng 🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ∑",
    "long_line": "Thông báo " * 20_000,
    "digits_only": "0" * 5000,
    "date_like": "99/99/9999 32/13/2024 29/02/2023 24h61 -1%",
}

LEGACY_BYTES: dict[str, bytes] = {
    "tcvn3": encode_tcvn3(VIETNAMESE),
    "vni": encode_vni(VIETNAMESE),
    "cp1258": encode_cp1258(VIETNAMESE),
    "utf16": VIETNAMESE.encode("utf-16"),
    "latin1_garbage": bytes(range(128, 256)),
    "binary": bytes(range(256)) * 4,
}

DATES = ["", "hôm qua", "2024-13-01", "31/02/2024", "1900-01-01", "9999-12-31", "2024-11-15T00:00:00+09:00", "15-11-2024", "'; --"]
