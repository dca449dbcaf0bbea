"""Who acts in a request and what the action is called: the panel's and the API's side of the audit trail."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from broadcast.audit import trail
from broadcast.audit.capture import Action
from web.db import db

# Blueprints whose writes are no person's action: the commune players' sync (its rows are the as-run log itself) and the
# receivers' reports (a machine's status every minute, kept in their own tables).
UNAUDITED_BLUEPRINTS = frozenset({"api_edge", "api_receivers"})
# Endpoints that are part of an action audited elsewhere: a live talk's audio pieces (four a second) belong to its
# start and its end, each of which has its row.
UNAUDITED_ENDPOINTS = frozenset({"live.chunk"})


def client() -> str:
    """The client's address as the server saw it."""
    return request.remote_addr or ""


def actor() -> trail.Actor:
    """Who makes this request: the API token's name, the logged-in user, or nobody known."""
    token = g.get("api_token")
    if token is not None:
        return trail.Actor("token", token.name, token.user_id)
    if current_user and current_user.is_authenticated:
        return trail.Actor("user", current_user.username, current_user.db_id)
    return trail.Actor("anonymous", "")


def action_name() -> str:
    """The endpoint, with the sub-action a form or URL names (`admin.user_action:lock`)."""
    sub = (request.view_args or {}).get("action") or request.form.get("action", "")
    return f"{request.endpoint}:{sub}" if sub else str(request.endpoint)


def current_action() -> Action | None:
    """The action of the request under way (None outside a request, or for an unaudited blueprint)."""
    if not has_request_context() or request.blueprint in UNAUDITED_BLUEPRINTS or request.endpoint in UNAUDITED_ENDPOINTS:
        return None
    found = g.get("audit_action")
    if found is None:
        station_id = current_user.station_id if current_user and current_user.is_authenticated else None
        found = g.audit_action = Action(actor(), action_name(), client(), station_id)
    return found


def note(action: str, obj: Any = None, changes: Any = None, who: trail.Actor | None = None, station_id: int | None = None) -> None:
    """Append a row for an action that changes no table (login, logout, an export) and commit it."""
    session = db()
    current = current_action()
    if station_id is None and current is not None:
        station_id = current.station_id
    trail.record(session, who or actor(), action, obj, changes, client(), station_id)
    session.commit()
    if current is not None:
        current.recorded = True
