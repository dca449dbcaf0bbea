"""A corpus of hostile and broken inputs shared by the CLI, form and JSON tests."""

from __future__ import annotations

import random
import unicodedata
import zipfile
from pathlib import Path

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


def hostile_documents(folder: Path) -> dict[str, Path]:
    """Broken and hostile .doc, .docx and .pdf files, each of which an import must refuse by name in one sentence."""
    import docx

    from scripts_vi import office
    from tests.scripts_vi.pdf_fixtures import image_only_pdf, many_pages_pdf

    folder.mkdir(parents=True, exist_ok=True)
    made = {}

    def write(name: str, data: bytes) -> None:
        made[name] = folder / name
        made[name].write_bytes(data)

    write("html-that-says-doc.doc", b"<html><head><meta charset=utf-8></head><body><p>Th\xc3\xb4ng b\xc3\xa1o</p></body></html>")
    write("truncated-word97.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    write("image-only.pdf", image_only_pdf())
    write("huge-page-count.pdf", many_pages_pdf(5000))
    write("not-a-pdf.pdf", b"GIF89a" + bytes(300))
    source = folder / "source.docx"
    document = docx.Document()
    document.add_paragraph(VIETNAMESE)
    document.save(str(source))
    write("truncated.docx", source.read_bytes()[:700])
    password = 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"matkhau"}}'
    (encrypted,) = office.convert([source], password, folder / "enc")
    made["encrypted.pdf"] = encrypted.rename(folder / "encrypted.pdf")
    source.unlink()
    write("truncated.pdf", made["encrypted.pdf"].read_bytes()[:400])
    return made


SPOKEN = "Kính thưa bà con, đây là bài hát của chiến dịch bình đẳng giới."
# Lengths the media corpus is built for: the tests run with this library limit.
MEDIA_LIMIT_MIN = 1


def _ffmpeg(tools, *args: str) -> None:  # type: ignore[no-untyped-def]
    from audio import ffmpeg

    ffmpeg.run(["-v", "error", *args], tools=tools)


def hostile_audio(folder: Path, spoken_wav: Path, tools) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Bad files people send as audio, by what is wrong with them, made here with ffmpeg and zipfile."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["text_as_mp3"] = folder / "thong-bao.mp3"
    files["text_as_mp3"].write_text(VIETNAMESE, encoding="utf-8")
    files["pdf_as_m4a"] = folder / "cong-van.m4a"
    files["pdf_as_m4a"].write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    bomb = folder / "bai-hat.mp3"  # 64 MB of zeros deflated into a few dozen kilobytes, renamed
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bai-hat.wav", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(64):
                member.write(block)
    files["zip_bomb_as_mp3"] = bomb
    files["zero_length"] = folder / "rong.wav"
    files["zero_length"].write_bytes(b"")
    files["random_bytes_ogg"] = folder / "hong.ogg"
    files["random_bytes_ogg"].write_bytes(random.Random(17).randbytes(40_000))
    files["silent_mp3"] = folder / "im-lang.mp3"
    _ffmpeg(tools, "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "8", "-c:a", "libmp3lame", "-y", str(files["silent_mp3"]))
    whole = folder / "nguyen-ven.mp3"
    _ffmpeg(tools, "-i", str(spoken_wav), "-c:a", "libmp3lame", "-y", str(whole))
    data = whole.read_bytes()
    files["truncated_mp3"] = folder / "cat-cut.mp3"
    files["truncated_mp3"].write_bytes(data[: len(data) // 2])
    flac = folder / "nguyen-ven.flac"
    _ffmpeg(tools, "-i", str(spoken_wav), "-c:a", "flac", "-y", str(flac))
    data = flac.read_bytes()
    files["truncated_flac"] = folder / "cat-cut.flac"
    files["truncated_flac"].write_bytes(data[: len(data) // 2])
    whole.unlink()
    flac.unlink()
    files["too_long_opus"] = folder / "qua-dai.opus"  # twice the limit of quiet tone, a few kilobytes
    _ffmpeg(tools, "-f", "lavfi", "-i", f"sine=f=440:d={MEDIA_LIMIT_MIN * 120}", "-c:a", "libopus", "-b:a", "8k",
            "-y", str(files["too_long_opus"]))
    files["audio_named_exe"] = folder / "bai-hat.exe"
    _ffmpeg(tools, "-i", str(spoken_wav), "-c:a", "libmp3lame", "-f", "mp3", "-y", str(files["audio_named_exe"]))
    return files
