"""Rendered pages kept in memory, keyed by everything they show.

A key is the data a page displays (the log: the station's chain head, whose hash covers every row before it, the
resolved query, the zones and campaigns of its filters; the month schedule: the shown fields of its broadcasts,
campaigns and slots), the language and time zone it is written in, and what the layout shows of the request (the
viewer, their stations and roles, the URL, the CSRF token). A change to any of it is a new key, so an entry is
never stale: it is only no longer asked for, and the least recently used entries are dropped.

The key's data is read before the page is rendered, and another process may commit in between. So a page is kept under
what its render read, which the render returns with it: a page never sits under data it does not show.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock
from typing import Any, Callable, Hashable, Iterable

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from web.helpers import tz

CAPACITY = 256  # pages per process: a log page of 50 rows is about 40 kB


class PageCache:
    """A bounded, thread-safe map from a key to rendered HTML, least recently used dropped first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], tuple[str, Hashable]]) -> str:
        """The HTML kept for key, or render it now and keep it under the key render returns with it."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        # Rendered outside the lock: two threads missing the same key both render it, and both results are equal.
        html, shown_key = render()
        with self._lock:
            self._entries[shown_key] = html
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._entries)


def cached_page(name: str, shown: Hashable, render: Callable[[], tuple[str, Hashable]]) -> str:
    """A page for what it shows and who asks, rendered only on a miss (and always while a flashed message waits).

    render returns the page and what it shows, from the data it rendered: `shown` when nothing changed meanwhile."""
    if session.get("_flashes"):
        return render()[0]  # the layout shows and consumes them: such a page is never kept
    cache: PageCache = current_app.extensions["loaxa_pages"]
    context = (name, str(get_locale()), tz().key, _layout())

    def render_and_key() -> tuple[str, Hashable]:
        html, rendered = render()
        return html, (context, rendered)

    return cache.get_or_render((context, shown), render_and_key)


def shows(objects: Iterable[Any], *columns: Any) -> tuple[tuple[Any, ...], ...]:
    """These columns' values of each loaded object, in order: what a rendered page shows of them, as its key reads it."""
    return tuple(tuple(getattr(obj, column.key) for column in columns) for obj in objects)


def _layout() -> tuple[Hashable, ...]:
    """What base.html shows of the request: the viewer and their stations and roles, the URL, the forms' CSRF token."""
    # The token is signed with its time: reusing one for a tenth of its lifetime keeps every served form valid long enough.
    token_age = max(int(current_app.config["WTF_CSRF_TIME_LIMIT"] or 3600) // 10, 1)
    return (current_user.db_id, current_user.full_name, current_user.station_id, current_user.role, tuple(current_user.stations),
            request.full_path, session.get("csrf_token"), int(time.time()) // token_age)


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Give the app its own cache (one per process: nothing crosses a fork)."""
    app.extensions["loaxa_pages"] = PageCache()
