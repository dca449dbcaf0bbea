"""URL converters: an id in a path is one the database can hold."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from broadcast.db import ROW_ID_MAX


class RowIdConverter(IntegerConverter):
    """`<int:...>` up to ROW_ID_MAX: a bigger id matches no route (404), and the API's document states the bound."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)
