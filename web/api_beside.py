"""The two machine APIs that stay versioned beside /api/v1, described in its OpenAPI document.

Commune players (`/api/edge/v1`, an edge token per commune: `loaxa edge token create`) and thôn receivers
(`/api/receivers/v1`, a token per receiver: `loaxa receivers add`) keep their own versions and their {"error": sentence}
answers, so that devices already in the field never break; the province reads all three in one document.
"""

from __future__ import annotations

from typing import Any

TAGS = {"edge": "Máy phát của xã (đồng bộ với tỉnh)", "receivers": "Máy thu ở thôn"}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string", "description": "Một câu tiếng Việt: sai ở đâu, sửa thế nào"}}}
ANY_OBJECT = {"type": "object"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _refusals(*codes: int) -> dict[str, Any]:
    """The error answers of an operation: always 401 (no or wrong token), plus the given ones."""
    text = {400: "Dữ liệu gửi lên sai", 401: "Thiếu mã hoặc mã sai, đã thu hồi", 403: "Mã không có quyền này",
            404: "Không tìm thấy", 409: "Xung đột (chuỗi băm của nhật ký không nối tiếp)"}
    return {str(code): {"description": text[code], "content": _json(ERROR)} for code in sorted({401, *codes})}


def _operation(tag: str, summary: str, ok: dict[str, Any], *codes: int, **extra: Any) -> dict[str, Any]:
    return {"tags": [TAGS[tag]], "summary": summary, "security": [{f"{tag}_token": []}], "responses": {"200": ok, **_refusals(*codes)}, **extra}


def _query(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string", "format": "date-time"}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": _json(schema)}


# Operations by the endpoint that serves them (the path comes from its URL rule).
OPERATIONS: dict[str, dict[str, Any]] = {
    "api_edge.plan": _operation(
        "edge", "Các buổi phát đã lập trong [from, to) với bài, thôn và mã băm âm thanh", {"description": "Cửa sổ lịch", "content": _json(ANY_OBJECT)},
        400, 403, parameters=[_query("from", "Từ lúc (ISO 8601, mặc định: bây giờ)"), _query("to", "Đến lúc (mặc định: hai ngày sau from)")]),
    "api_edge.audio": _operation(
        "edge", "Một tệp âm thanh của đài, tìm theo mã băm SHA-256 nội dung",
        {"description": "Tệp âm thanh", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        400, 403, 404),
    "api_edge.log_head": _operation(
        "edge", "Dòng nhật ký cuối tỉnh đã nhận của xã", {"description": "seq và mã băm dòng cuối", "content": _json(ANY_OBJECT)}, 403),
    "api_edge.log_rows": _operation(
        "edge", "Gửi các dòng nhật ký phát sóng của xã, nguyên văn (gửi lại không ghi hai lần; chuỗi băm đứt: 409)",
        {"description": "Số dòng đã nhận", "content": _json(ANY_OBJECT)}, 400, 403, 409,
        requestBody=_body({"type": "object", "required": ["rows"], "properties": {"rows": {"type": "array", "items": ANY_OBJECT}}})),
    "api_edge.status": _operation(
        "edge", "Nhịp sống của máy phát xã và tình trạng các máy thu của xã (gửi kèm mỗi lần gửi nhật ký)",
        {"description": "Đã nhận", "content": _json(ANY_OBJECT)}, 400, 403, requestBody=_body(ANY_OBJECT)),
    "api_receivers.report": _operation(
        "receivers", "Báo cáo mỗi phút của một máy thu ở thôn (mã sai, thôn lạ, báo cáo gửi lại hay dữ liệu hỏng bị từ chối)",
        {"description": "Đã nhận", "content": _json({"type": "object", "properties": {"ok": {"type": "boolean"}, "counter": {"type": "integer"}}})},
        400, 403, 404, 409, requestBody=_body({"type": "object", "required": ["zone", "counter", "interval_s"], "properties": {
            "zone": {"type": "string"}, "counter": {"type": "integer", "minimum": 1}, "interval_s": {"type": "number"},
            "connected": {"type": "boolean"}, "playing": {"type": "boolean"}, "playing_for_s": {"type": "number"},
            "level_db": {"type": ["number", "null"]}, "title": {"type": "string"}, "network_errors": {"type": "integer"},
            "last_error": {"type": "string"}, "uptime_s": {"type": "number"}, "version": {"type": "string"}}})),
}


def document(spec, app) -> None:  # type: ignore[no-untyped-def]
    """Add the edge and receivers APIs (their token schemes, tags and paths) to the /api/v1 OpenAPI document."""
    for tag in TAGS:
        spec.components.security_scheme(f"{tag}_token", {"type": "http", "scheme": "bearer", "description": f"Mã của {TAGS[tag].lower()}"})
    for name in TAGS.values():
        spec.tag({"name": name})
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, operation in OPERATIONS.items():
        rule = rules[endpoint]
        method = "get" if "GET" in (rule.methods or ()) else "post"
        spec.path(rule=rule, operations={method: operation}, parameters=[])
