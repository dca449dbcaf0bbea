"""The hostile corpus against every form of the panel (logged-in admin, real CSRF token) and the edge JSON API."""

from __future__ import annotations

import enum
import json
import unicodedata
from html.parser import HTMLParser

from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.models import Base, Broadcast, Campaign, LexiconEntry, Script, ScriptVersion, Station, User, Zone
from broadcast.province import central as edge_central
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from scripts_vi.clean import clean_text
from tests.reliability.hostile import DATES, LEGACY_BYTES, TEXTS
from tests.web.conftest import Client
from web import create_app

# Forms that speak or render audio (preview, voice, recording upload, emergency) get the corpus too,
# but only the short values: a real espeak run per hostile value would take minutes.
AUDIO_FORMS = ("/doc-thu", "/tao-giong", "/ghi-am", "/khan-cap")
SKIP_ACTIONS = {"/dang-xuat", "/dang-nhap", "/ngon-ngu"}
TABLES = (Script, ScriptVersion, User, LexiconEntry, Zone, Broadcast, Campaign, Station)
RAW_SCRIPT = "<script>alert('x')</script>"
PAGES = ["/", "/bai/", "/bai/moi", "/bai/1", "/bai/nhap", "/lich/", "/khan-cap/", "/cai-dat/", "/nguoi-dung/", "/nhat-ky/", "/chien-dich/", "/duyet/"]


class _Forms(HTMLParser):
    """POST forms of a page: action and field names with their default values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str], set[str]]] = []
        self._current: tuple[str, dict[str, str], set[str]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._current = (a.get("action") or "", {}, set())
        elif self._current is not None and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if tag == "input" and kind in ("submit", "button", "file", "image"):
                return
            if tag == "input" and kind in ("checkbox", "radio") and "checked" not in a:
                self._current[1].setdefault(a["name"], "")
                return
            self._current[1][a["name"]] = a.get("value") or ""
            if tag == "textarea" or (tag == "input" and kind in ("text", "date", "time", "number", "search", "email", "datetime-local", "")):
                self._current[2].add(a["name"])
            if tag == "select":
                self._current[2].add(a["name"])

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def _counts(factory) -> tuple[int, ...]:
    with transaction(factory) as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in TABLES)


def _texts(factory) -> dict[tuple[str, tuple, str], str]:
    """Every text cell of every table, by (table, primary key, column): what an accepted post may have stored."""
    cells = {}
    with factory() as session:
        conn = session.connection()
        for table in Base.metadata.sorted_tables:
            keys = [c.name for c in table.primary_key.columns]
            for row in conn.execute(table.select()).mappings():
                for column, value in row.items():
                    if isinstance(value, enum.Enum):
                        value = value.value
                    if isinstance(value, str):
                        cells[(table.name, tuple(row[k] for k in keys), column)] = value
    return cells


def _is_clean(text: str) -> bool:
    """Stored the way the panel's text hygiene leaves text: NFC, no control or invisible characters, no outer spaces."""
    return (clean_text(text) == text == text.strip() and unicodedata.is_normalized("NFC", text)
            and not any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\n" for ch in text))


def test_hostile_corpus_against_every_panel_form(demo_settings, demo_factory, record):
    app = create_app(demo_settings, testing=True)
    admin = Client(app, "admin")
    forms: dict[tuple[str, str], tuple[dict[str, str], set[str]]] = {}
    pages = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments and not r.rule.startswith(("/api/", "/static"))}
    pages |= {"/bai/1", "/chien-dich/bdg-2026"}  # pages with arguments whose forms take free text (windows, extra slots)
    for page in sorted(pages):
        if any(word in page for word in ("xuat", "export", "tai-ve", ".csv", ".pdf", ".xlsx")):
            continue
        response = admin.get(page, follow_redirects=True)
        if response.status_code != 200:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields, free in parser.forms:
            action = action or page
            if action in SKIP_ACTIONS or not free:
                continue
            forms[(action, ",".join(sorted(fields)))] = (fields, free)
    post_rules = {r.rule for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert len(forms) >= 6 and any("ban-tin-tinh" in a for a, _ in forms) and any("khung-gio" in a for a, _ in forms), sorted(forms)
    values = {**TEXTS, **{f"date:{d}": d for d in DATES}, **{f"bytes:{k}": v.decode("latin-1") for k, v in LEGACY_BYTES.items()}}
    tried, errors, accepted, server_errors = 0, 0, 0, []
    stored = _texts(demo_factory)
    landed: set[str] = set()
    for (action, _), (fields, free) in sorted(forms.items()):
        audio = any(part in action for part in AUDIO_FORMS)
        for field in sorted(free - {"csrf_token"}):
            for name, value in values.items():
                if audio and len(value) > 200:
                    continue
                before = _counts(demo_factory)
                response = admin.post(action, {**fields, field: value})
                tried += 1
                body = response.get_data(as_text=True)
                if response.status_code >= 500:
                    server_errors.append((action, field, name, response.status_code))
                    continue
                assert RAW_SCRIPT not in body, (action, field, name)
                if response.status_code not in (302, 303):
                    errors += 1
                    assert _counts(demo_factory) == before, (action, field, name, response.status_code)
                    continue
                accepted += 1
                # Read back what the accepted post stored: every text it changed is clean, and it holds the posted value cleaned.
                now_stored = _texts(demo_factory)
                changed = {cell: text for cell, text in now_stored.items() if stored.get(cell) != text}
                dirty = {cell: text[:80] for cell, text in changed.items() if not _is_clean(text)}
                assert not dirty, (action, field, name, dirty)
                cleaned = clean_text(value).strip()
                # A value equal, once cleaned, to what is already there changes nothing: it is then found unchanged.
                assert cleaned in (changed.values() if changed else now_stored.values()), (action, field, name, cleaned[:80], changed)
                landed |= {f"{cell[0]}.{cell[2]}" for cell, text in changed.items() if text == cleaned}
                stored = now_stored
    assert not server_errors, server_errors[:10]
    assert errors > 0 and tried > 200 and accepted > 0
    record("hostile_form_posts", tried, f"hostile values posted by a logged-in admin with a real CSRF token into the free fields of {len(forms)} panel forms "
           f"({len(post_rules)} POST routes in the URL map): no 500, never raw <script> in the answer, no row change on the {errors} refusals; "
           f"the {accepted} accepted values read back from the database ({', '.join(sorted(landed))}): each stored as the posted text cleaned "
           "(NFC, no control or invisible characters), and nothing else they changed unclean")


def test_edge_api_garbage_bodies_get_json_4xx(demo_settings, demo_factory, record):
    app = create_app(demo_settings, testing=True)
    http = app.test_client()
    with transaction(demo_factory) as session:
        token = edge_central.create_token(session, get_station(session, demo_settings.station), "thử", SystemClock().now())
    auth = {"Authorization": f"Bearer {token}"}
    bodies = [b"", b"null", b"[]", b"{}", b'{"rows": 5}', b'{"rows": [1, "x", null]}', b'{"rows": [{}]}',
              b'{"rows": [{"seq": "a", "row_hash": "\\u0000"}]}', b"\xff\xfe garbage", json.dumps({"rows": [{"seq": -1}] * 50}).encode(),
              *(t.encode("utf-8", "surrogatepass") for t in TEXTS.values()), *LEGACY_BYTES.values()]
    before = _counts(demo_factory)
    tried = 0
    for headers in (auth, {"Authorization": "Bearer sai"}, {}):
        for body in bodies:
            response = http.post("/api/edge/v1/log", data=body, headers={**headers, "Content-Type": "application/json"})
            tried += 1
            assert 400 <= response.status_code < 500, (body[:40], response.status_code)
            assert response.is_json and isinstance(response.get_json().get("error"), str), body[:40]
    for query in ("?from=hôm-qua", "?from=2024-13-01", "?to=%00", "?from=9999-12-31T00:00:00&to=1900-01-01T00:00:00", "?from=" + "9" * 5000):
        response = http.get("/api/edge/v1/plan" + query, headers=auth)
        tried += 1
        assert response.status_code < 500 and response.is_json, (query[:40], response.status_code)
    for sha in ("../../etc/passwd", "%2e%2e%2fetc%2fpasswd", "0" * 64, "x" * 5000):
        response = http.get(f"/api/edge/v1/audio/{sha}", headers=auth)
        tried += 1
        assert 400 <= response.status_code < 500, (sha[:40], response.status_code)
        assert b"root:" not in response.get_data()
    assert _counts(demo_factory) == before
    record("hostile_edge_api_requests", tried, "garbage bodies, queries and paths against /api/edge/v1 (valid, wrong and no token): every answer a 4xx JSON error (plan window answers may be 200), nothing stored")


def test_hostile_documents_refused_by_the_import_preview(demo_settings, demo_factory, tmp_path, record):
    import io

    from tests.reliability.hostile import hostile_documents

    app = create_app(demo_settings, testing=True)
    editor = Client(app, "bientap")
    documents = hostile_documents(tmp_path / "docs")
    before = _counts(demo_factory)
    files = [(io.BytesIO(path.read_bytes()), name) for name, path in documents.items()]
    response = editor.post("/bai/nhap", {"files": files}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'name="token"' not in html  # nothing to confirm
    for name in documents:
        assert name in html, name
    assert _counts(demo_factory) == before
    staging = demo_settings.data_dir / "uploads" / "nhap-bai"
    assert not any(staging.iterdir()), "a refused upload leaves no files behind"
    record("web_import_hostile_documents", len(documents), "broken .doc/.docx/.pdf files uploaded at once to the import preview "
           "(HTML named .doc, truncated, encrypted, image-only, 5000 pages): each refused by name, nothing stored, no upload kept")
