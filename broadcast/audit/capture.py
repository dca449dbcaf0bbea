"""One audit row per action, written by the session that makes the change, in the same transaction.

An adapter (the panel's request, a CLI command, an API call) says who acts and what the action is called;
`track` then watches its session factory: the first commit of that action that changes a row appends one audit
row naming the main object changed and a short before/after of its fields. A refused action rolls back and writes
none; an action that wrote its own row (`trail.record`, e.g. a login) is left alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from broadcast.audit.trail import RECORDED, Actor, ObjectRef, object_ref, record
from broadcast.models import AuditEntry

# Session.info keys: what the open transaction changed so far, and what the code doing it names as its object.
_CHANGES = "audit_changes"
SUBJECT = "audit_subject"

# The object an action is "about", most telling first; a change of any other type names the object only if
# none of these changed (an action that only reorders broadcast items is about its broadcast's items).
PRIORITY = (
    "Script", "Recording", "Campaign", "Bulletin", "Slot", "Broadcast", "User", "Membership", "Station", "Zone",
    "LexiconEntry", "ReportNote", "EdgeToken", "ApiToken",
)

# Fields whose values never go into the trail (secrets), and how long a shown value may be.
SECRET_MARKS = ("password", "hash", "secret", "token")
MAX_VALUE = 80


@dataclass
class Action:
    """Who is acting and what the action is called, for as long as the adapter handles it."""

    actor: Actor
    name: str
    client: str = ""
    station_id: int | None = None
    recorded: bool = False


@dataclass
class _Change:
    op: str  # "+" created, "~" changed, "-" deleted
    obj: Any
    ref: ObjectRef | None = None  # taken when deleted (the row is gone at commit)
    fields: dict[str, list[Any]] = field(default_factory=dict)


def shown(name: str, value: Any) -> Any:
    """A field value as the trail keeps it: secrets masked, long text cut."""
    if any(mark in name for mark in SECRET_MARKS):
        return "***"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def field_changes(obj: Any) -> dict[str, list[Any]]:
    """The changed column attributes of a modified row as {name: [before, after]}."""
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                out[attr.key] = [shown(attr.key, before), shown(attr.key, after)]
    return out


def _collect(session: Session, _flush_context: Any, _instances: Any) -> None:
    changes: list[_Change] = session.info.setdefault(_CHANGES, [])
    for obj in session.new:
        if not isinstance(obj, AuditEntry):
            changes.append(_Change("+", obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False) and not isinstance(obj, AuditEntry):
            fields = field_changes(obj)
            if fields:
                changes.append(_Change("~", obj, fields=fields))
    for obj in session.deleted:
        changes.append(_Change("-", obj, ref=object_ref(obj)))


def main_change(changes: list[_Change]) -> _Change:
    """The change an action is about: the first of the most telling type (see PRIORITY)."""
    rank = {name: i for i, name in enumerate(PRIORITY)}
    return min(enumerate(changes), key=lambda pair: (rank.get(type(pair[1].obj).__name__, len(rank)), pair[0]))[1]


def summary(main: _Change, changes: list[_Change]) -> dict[str, Any]:
    """The short before/after: the main object's changed fields, and counts of the other rows touched."""
    out: dict[str, Any] = {}
    if main.op == "+":
        out["_"] = "tạo mới"
    elif main.op == "-":
        out["_"] = "xóa"
    else:
        merged: dict[str, list[Any]] = {}
        for change in changes:
            if change.obj is main.obj and change.op == "~":
                for name, (before, after) in change.fields.items():
                    merged[name] = [merged[name][0] if name in merged else before, after]
        out.update(merged)
    others: dict[str, list[int]] = {}
    seen: set[tuple[int, str]] = set()
    for change in changes:
        if change.obj is main.obj or (id(change.obj), change.op) in seen:
            continue
        seen.add((id(change.obj), change.op))
        counts = others.setdefault(type(change.obj).__name__, [0, 0, 0])
        counts["+~-".index(change.op)] += 1
    if others:
        out["_khác"] = {name: "/".join(f"{op}{n}" for op, n in zip("+~-", counts) if n) for name, counts in sorted(others.items())}
    return out


def describe(session: Session, obj: Any) -> None:
    """Name the object the running action is about, when the changed rows alone would not say it."""
    session.info[SUBJECT] = obj


def _forget(session: Session) -> None:
    for key in (_CHANGES, SUBJECT, RECORDED):
        session.info.pop(key, None)


def track(factory: sessionmaker[Session], current: Callable[[], Action | None]) -> None:
    """Audit every session of this factory: `current()` gives the action under way (None: not audited)."""

    def before_commit(session: Session) -> None:
        action = current()
        if action is None or action.recorded:
            return
        session.flush()  # collect what is still pending
        changes = session.info.get(_CHANGES) or []
        if session.info.get(RECORDED) or not changes:
            return
        main = main_change(changes)
        obj = session.info.get(SUBJECT) or main.ref or main.obj
        record(session, action.actor, action.name, obj, summary(main, changes), action.client,
               action.station_id if action.station_id is not None else getattr(main.obj, "station_id", None))

    def after_commit(session: Session) -> None:
        action = current()
        if action is not None and session.info.get(RECORDED):
            action.recorded = True
        _forget(session)

    event.listen(factory, "before_flush", _collect)
    event.listen(factory, "before_commit", before_commit)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda session, _previous: _forget(session))
