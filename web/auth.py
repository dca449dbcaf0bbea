"""Login, logout, roles and rate limiting for the panel."""

from __future__ import annotations

from functools import wraps
from types import SimpleNamespace
from typing import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from broadcast.audit.trail import Actor, ObjectRef
from broadcast.errors import PermissionDenied
from broadcast.models import Role, User
from broadcast.stations.lookup import get_station
from broadcast.stations.tokens import token_owner
from broadcast.stations.users import ROLE_LABELS, Account, StationRole, authenticate, default_station, user_and_stations, user_stations
from broadcast.timeutil import SystemClock
from web import actions
from web.db import db, settings
from web.problem import problem

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://", headers_enabled=True)  # Retry-After on a 429
# Blueprints rate-limited as a whole (limit_blueprint): the only limits a GET can meet. A view limited on its own is
# limited on POST (the login), and its decorator counts it.
LIMITED_BLUEPRINTS: set[str] = set()


def limit_blueprint(blueprint, limit: Callable[[], str], key_func: Callable[[], str]) -> None:  # type: ignore[no-untyped-def]
    """Rate-limit every request to a blueprint."""
    LIMITED_BLUEPRINTS.add(blueprint.name)
    limiter.limit(limit, key_func=key_func)(blueprint)


@limiter.request_filter
def _nothing_to_count() -> bool:
    """A GET outside the limited blueprints meets no limit: skip resolving them (0.05 ms, 6 % of a kept page)."""
    return request.method in ("GET", "HEAD") and request.blueprint not in LIMITED_BLUEPRINTS


# The Flask session key of the station the user works on now (a province user has many).
STATION_KEY = "station_id"

# The only endpoints served without a login (the API's description holds no station data): everything else, present or added later, sends an anonymous visitor to
# the login page before its view runs (the roles are then checked by each view's `requires`).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "api-docs.openapi_json", "api_v1_docs.readable"})
# Blueprints that authenticate every call themselves: the commune players' sync API takes a station's bearer token
# (no session, no cookie) and answers 401 without a valid one.
TOKEN_BLUEPRINTS = frozenset({"api_edge", "api_receivers"})
# Blueprints served to a user's personal API token only (`Authorization: Bearer`): the guard below admits a call with
# a valid token as that user at the station in the URL, and answers 401 otherwise; the panel's cookie is ignored there.
BEARER_BLUEPRINTS = frozenset({"api_v1"})


def is_public(endpoint: str | None, blueprint: str | None) -> bool:
    """Whether a request may be answered without a login.

    A request that matches no route (endpoint None) runs no view: it gets its 404 or 405 as before, which an edge
    player probing the API expects rather than a redirect to a login page.
    """
    return endpoint is None or endpoint in PUBLIC_ENDPOINTS or blueprint in TOKEN_BLUEPRINTS


class PanelUser(UserMixin):
    """The logged-in user with their role at the station they work on now."""

    def __init__(self, user: User | Account, station: StationRole, stations: list[StationRole]):
        self.id = str(user.id)
        self.username = user.username
        self.full_name = user.full_name or user.username
        self.db_id = user.id
        self.station = station
        self.station_id = station.id
        self.stations = stations
        self.role = station.role

    def can(self, *roles: Role) -> bool:
        """Whether the user holds one of the roles (admins may do everything)."""
        return self.role == Role.ADMIN or self.role in roles

    @property
    def role_label(self) -> str:
        """The role in Vietnamese."""
        return ROLE_LABELS.get(self.role, "")


EDIT = (Role.EDITOR,)
REVIEW = (Role.EDITOR, Role.APPROVER)
APPROVE = (Role.APPROVER,)
ADMIN = (Role.ADMIN,)
ANY = (Role.EDITOR, Role.APPROVER, Role.VIEWER)


def current_station_id() -> int:
    """The id of the station the logged-in user works on (the machine's LOAXA_STATION before login)."""
    if current_user and current_user.is_authenticated:
        return current_user.station_id
    return get_station(db(), settings().station).id


def panel_user(user: User | Account, wanted_id: int | None, choices: list[StationRole] | None = None) -> PanelUser | None:
    """The user at the wanted station if they still work there, else at their default one; None without any role."""
    choices = user_stations(db(), user.id) if choices is None else choices
    chosen = next((c for c in choices if c.id == wanted_id), None) or default_station(choices, settings().station)
    return PanelUser(user, chosen, choices) if chosen else None


@login_manager.user_loader
def load_user(user_id: str) -> PanelUser | None:
    user, choices = user_and_stations(db(), int(user_id)) if user_id.isdigit() else (None, [])
    if user is None or not user.is_active:
        return None
    loaded = panel_user(user, session.get(STATION_KEY), choices)
    if loaded is not None and session.get(STATION_KEY) != loaded.station_id:
        session[STATION_KEY] = loaded.station_id  # the role there was revoked: fall back, and remember it
    return loaded


def user_row_of(user_id: int) -> User | None:
    """A user's row by id."""
    return db().get(User, user_id)


def token_user():  # type: ignore[no-untyped-def]
    """Admit an API call as the user of its bearer token, at the station of the URL; a problem+json 401/403 otherwise."""
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not secret:
        return problem(401, "Thiếu mã API: hãy gửi tiêu đề «Authorization: Bearer <mã>» (tạo mã ở trang «Mã API» của bảng quản trị).")
    try:
        token, user = token_owner(db(), secret, SystemClock().now())
    except PermissionDenied as exc:
        return problem(401, str(exc))
    choices = [c for c in user_stations(db(), user.id) if token.station_id in (None, c.id)]
    slug = (request.view_args or {}).get("station")
    chosen = next((c for c in choices if c.slug == slug), None) if slug else (choices[0] if choices else None)
    if chosen is None:
        return problem(403, "Mã API này không có quyền ở đài này: hãy dùng mã của người có vai trò ở đài, hoặc mã không giới hạn đài.")
    g._login_user = PanelUser(user, chosen, choices)  # this request only: no session, no cookie
    g.api_token = SimpleNamespace(name=f"{user.username}/{token.name}", user_id=user.id)
    return None


def requires(*roles: Role) -> Callable:
    """Refuse the view with 403 unless the user has one of the roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Hãy nhập mật khẩu.")])


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(lambda: settings().login_rate_limit, methods=["POST"])
def login():
    """The login page."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db(), form.username.data or "", form.password.data or "")
        loaded = panel_user(user, None) if user else None
        if loaded is None:
            typed = (form.username.data or "").strip().lower()
            actions.note("auth.login_failed", ObjectRef("User", "", typed), who=Actor("anonymous", typed), station_id=current_station_id())
            flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
        else:
            session.clear()
            session.permanent = True
            session[STATION_KEY] = loaded.station_id
            login_user(loaded)
            actions.note("auth.login", user, who=Actor("user", loaded.username, loaded.db_id), station_id=loaded.station_id)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("dashboard.home")
            return redirect(target)
    return render_template("login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    """Log out and go back to the login page."""
    actions.note("auth.logout", user_row_of(current_user.db_id))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Wire Flask-Login and the limiter into the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Hãy đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    limiter.init_app(app)

    @app.before_request
    def login_before_anything():  # type: ignore[no-untyped-def]
        """Send an anonymous visitor to the login page unless the endpoint is public (CSRF is checked before this)."""
        if request.blueprint in BEARER_BLUEPRINTS and request.endpoint is not None:
            return token_user()
        # Public first: a static file must not cost the user's lookup.
        if is_public(request.endpoint, request.blueprint) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()

    @app.errorhandler(429)
    def too_many(_e):  # type: ignore[no-untyped-def]
        flash("Đăng nhập sai quá nhiều lần: hãy chờ một phút rồi thử lại.", "error")
        return render_template("login.html", form=LoginForm()), 429

    @app.errorhandler(403)
    def forbidden(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Không có quyền", message="Tài khoản của bạn không có quyền làm việc này."), 403

    @app.errorhandler(404)
    def not_found(_e):  # type: ignore[no-untyped-def]
        return render_template("error.html", title="Không tìm thấy", message="Trang hoặc mục bạn tìm không có."), 404
