"""The web's side of emergency authorization: a signed-in principal or an account as an Issuer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scheduler.areas import subtree_ids
from scheduler.emergency.issue import Issuer
from web.access import Principal
from web.models import User


def issuer_of(session: Session, principal: Principal) -> Issuer:
    """The principal's name, role and units in scope (None = everywhere, for admins)."""
    units = principal.unit_ids(session)
    return Issuer(principal.username, principal.role, units)


def issuer_of_user(session: Session, user: User) -> Issuer:
    """An account (the CLI's --user) as an Issuer, with the same scope rules as the web."""
    if user.role == "admin":
        return Issuer(user.username, user.role, None)
    if user.role == "broadcaster" or user.unit_id is None:
        return Issuer(user.username, user.role, frozenset())
    return Issuer(user.username, user.role, frozenset(subtree_ids(session, user.unit_id)))
