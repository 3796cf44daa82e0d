"""Account operations: create users, change passwords, issue tokens, count failed sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from content import audit
from content.db import utcnow
from scheduler.errors import N_, Conflict, Invalid, NotFound
from scheduler.models import AdminUnit, Channel
from scheduler.roles import ROLES
from web.models import ApiToken, LoginFailure, User, UserChannel

MIN_PASSWORD = 10
# werkzeug's scrypt (memory-hard); tests switch to a cheap method to stay fast.
PASSWORD_METHOD = "scrypt"
# A hash of a random password, checked when the user name is unknown so timing does not tell.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            N_("A password needs at least %(n)s characters"),
            code="password.length",
            n=MIN_PASSWORD,
        )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    actor: str,
    *,
    display_name: str | None = None,
    unit_id: int | None = None,
    channel_ids: list[int] | None = None,
) -> User:
    """A new user; planners and supervisors need a unit, broadcasters at least one channel."""
    username = username.strip().lower()
    if (
        not username
        or len(username) > 80
        or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
    ):
        raise Invalid(
            N_("A user name is 1 to 80 letters, digits, '.', '_' or '-'"), code="user.name"
        )
    if role not in ROLES:
        raise Invalid(
            N_("Unknown role '%(role)s' (use %(allowed)s)"),
            code="user.role",
            role=role,
            allowed=", ".join(ROLES),
        )
    _check_password(password)
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(N_("The user '%(user)s' already exists"), code="user.exists", user=username)
    if role in ("planner", "supervisor"):
        if unit_id is None or session.get(AdminUnit, unit_id) is None:
            raise Invalid(
                N_("A %(role)s account needs the administrative unit they work for"),
                code="user.unit",
                role=role,
            )
    else:
        unit_id = None
    links: list[UserChannel] = []
    if role == "broadcaster":
        ids = sorted(set(channel_ids or []))
        if not ids:
            raise Invalid(
                N_("A broadcaster account needs at least one channel"), code="user.channels"
            )
        found = set(session.scalars(select(Channel.id).where(Channel.id.in_(ids))))
        if missing := [i for i in ids if i not in found]:
            raise NotFound(
                N_("Channels %(channels)s do not exist"),
                code="channel.not_found",
                channels=", ".join(map(str, missing)),
            )
        links = [UserChannel(channel_id=i) for i in ids]
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=generate_password_hash(password, PASSWORD_METHOD),
        role=role,
        unit_id=unit_id,
        channel_links=links,
        active=True,
        session_stamp=1,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        after={
            "username": username,
            "role": role,
            "unit_id": unit_id,
            "channels": [link.channel_id for link in links],
        },
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else None (constant work either way)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def change_password(session: Session, user: User, old: str, new: str) -> None:
    """Change a password after checking the old one; other sessions are signed out."""
    if not check_password_hash(user.password_hash, old):
        raise Invalid(N_("The current password is wrong"), code="password.wrong")
    set_password(session, user, new, user.username)


def set_password(session: Session, user: User, new: str, actor: str) -> None:
    """Set a new password (admin reset or own change) and end the user's other sessions."""
    _check_password(new)
    user.password_hash = generate_password_hash(new, PASSWORD_METHOD)
    user.session_stamp += 1
    session.flush()
    audit.record(session, actor, "user.password", "user", user.id)


def token_digest(token: str) -> str:
    """SHA-256 of a token: what is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, name: str, actor: str) -> str:
    """A new bearer token for the user; the plain value is shown once and never stored."""
    token = "loa_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, digest=token_digest(token), name=name[:120]))
    session.flush()
    audit.record(session, actor, "token.issue", "user", user.id, after={"name": name})
    return token


def token_user(session: Session, token: str) -> User | None:
    """The active user owning a valid token."""
    found = session.scalar(
        select(ApiToken).where(
            ApiToken.digest == token_digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    if found is None or not found.user.active:
        return None
    return found.user


def recent_failures(session: Session, keys: list[str], window: dt.timedelta) -> int:
    """The most failed sign-ins of any one key (user name, address) within the window."""
    since = utcnow() - window
    query = (
        select(func.count())
        .where(LoginFailure.key.in_(keys), LoginFailure.at >= since)
        .group_by(LoginFailure.key)
    )
    return max(session.scalars(query), default=0)


def record_failure(session: Session, keys: list[str], window: dt.timedelta) -> None:
    """Remember a failed sign-in and forget the ones older than the window."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))
    session.add_all(LoginFailure(key=k[:200], at=now) for k in keys)
    session.flush()


def clear_failures(session: Session, keys: list[str]) -> None:
    """Forget failures after a successful sign-in."""
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys)))
