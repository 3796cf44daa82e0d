"""Account operations: create users, change passwords, issue tokens, count failed sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import unicodedata

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from content import audit
from content.db import utcnow
from scheduler.errors import N_, Conflict, Invalid, NotFound
from scheduler.models import AdminUnit, Channel
from scheduler.roles import ROLES
from web.models import ApiToken, User, UserChannel, WebSession

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
    username = normalise_username(username)
    if (
        not username
        or len(username) > 80
        or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
    ):
        raise Invalid(
            N_("A user name is 1 to 80 letters, digits, '.', '_' or '-'"), code="user.name"
        )
    if not _vietnamese_letters(username):
        raise Invalid(
            N_(
                "A user name takes its letters from the Vietnamese alphabet only (no look-alike"
                " letters of other alphabets)"
            ),
            code="user.name.scripts",
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


def normalise_username(name: str) -> str:
    """The one form of a user name: NFKC (full-width and other compatibility letters become
    plain ones), trimmed, lower case; used when creating a user and when signing in."""
    return unicodedata.normalize("NFKC", name).strip().lower()


def _vietnamese_letters(name: str) -> bool:
    """Whether every letter is a-z or đ, with Vietnamese marks at most: a whole-Cyrillic "асе"
    or a Latin "ɑdmin" (IPA alpha) looks like another user's name and is refused."""
    return all(not c.isalpha() or unicodedata.normalize("NFD", c)[0] in _BASE_LETTERS for c in name)


_BASE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzđ")


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else None (constant work either way)."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
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
    """Set a new password (admin reset or own change): the user's sessions and tokens end."""
    _check_password(new)
    user.password_hash = generate_password_hash(new, PASSWORD_METHOD)
    _sign_out_everywhere(session, user)
    revoked = _revoke_all_tokens(session, user)
    session.flush()
    audit.record(
        session, actor, "user.password", "user", user.id, after={"tokens_revoked": revoked}
    )


def set_active(session: Session, user: User, active: bool, actor: str) -> None:
    """Enable or disable a user; disabling ends their sessions and stops their tokens at once."""
    user.active = active
    _sign_out_everywhere(session, user)
    session.flush()
    audit.record(session, actor, "user.active", "user", user.id, after={"active": active})


def _sign_out_everywhere(session: Session, user: User) -> None:
    """Every session of the user ends; every process sees the new version on its next request."""
    user.session_stamp += 1
    user.auth_version += 1
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def start_session(session: Session, user: User, lifetime: dt.timedelta) -> str:
    """A new server-side session for a signed-in browser; its id goes in the signed cookie
    (expired sessions of every user are deleted on the way, so the table stays small)."""
    sid = secrets.token_urlsafe(32)
    horizon = utcnow() - lifetime  # expired sessions (anyone's) are swept on the way
    session.execute(delete(WebSession).where(WebSession.created_at < horizon))
    session.add(WebSession(digest=token_digest(sid), user_id=user.id))
    session.flush()
    return sid


def end_session(session: Session, sid: str | None) -> None:
    """Sign out: the session's row goes, so a copy of the cookie is worth nothing."""
    if sid:
        session.execute(delete(WebSession).where(WebSession.digest == token_digest(sid)))


def session_user(session: Session, user_id: int, sid: str, lifetime: dt.timedelta) -> User | None:
    """The active user of a live session, else None (signed out, expired, disabled, another's)."""
    return session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active,
            WebSession.digest == token_digest(sid),
            WebSession.created_at >= utcnow() - lifetime,
        )
    )


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


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (with when)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int, actor: str) -> ApiToken:
    """Revoke one of the user's tokens (idempotent); it stops working at once everywhere."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        raise NotFound(
            N_("The user '%(user)s' has no token %(id)s"),
            code="token.not_found", user=user.username, id=token_id,
        )  # fmt: skip
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "token.revoke", "user", user.id, after={"token": token.id})
    return token


def _revoke_all_tokens(session: Session, user: User) -> int:
    """Revoke every live token of the user; how many there were."""
    live = [t for t in list_tokens(session, user) if t.revoked_at is None]
    for token in live:
        token.revoked_at = utcnow()
    return len(live)


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
