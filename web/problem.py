"""Errors of the JSON API as application/problem+json (RFC 9457), with the one Vietnamese sentence as `detail`."""

from __future__ import annotations

from typing import Any

from flask import Response, json

MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Yêu cầu không hợp lệ", 401: "Chưa xác thực", 403: "Không có quyền", 404: "Không tìm thấy", 405: "Phương thức không dùng được",
          409: "Xung đột", 413: "Quá lớn", 422: "Dữ liệu không hợp lệ", 429: "Quá nhiều yêu cầu", 500: "Lỗi máy chủ"}


def problem(status: int, detail: str, **extra: Any) -> Response:
    """A problem+json response."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Lỗi"), "status": status, "detail": detail, **extra}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="loaxa"'
    return response
