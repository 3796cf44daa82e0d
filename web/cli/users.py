"""`loa users ...`: create users, issue API tokens, reset passwords, make the demo accounts."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import select

import migrations
from audio.messages import N_, message
from content.text import clean_optional
from scheduler.areas import find_unit
from scheduler.demo import DEMO_PREFIX
from scheduler.errors import LoaError
from scheduler.models import AdminUnit, Channel
from scheduler.roles import ROLES
from web import accounts
from web.cli.context import LoaContext, pass_loa
from web.models import User

DEMO_PASSWORD = "loa-demo-2026"


@click.group("users")
def users_group() -> None:
    """Web accounts (tài khoản): admin, planner, broadcaster, supervisor."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_code", help="GSO code of the unit (planner, supervisor).")
@click.option("--channel", "channel_ids", type=int, multiple=True, help="Channel id (broadcaster).")
@click.option("--name", "display_name", help="Name shown on pages.")
@click.password_option(help="Password (asked when not given).")
@pass_loa
def create(
    loa: LoaContext,
    username: str,
    role: str,
    unit_code: str | None,
    channel_ids: tuple[int, ...],
    display_name: str | None,
    password: str,
) -> None:
    """Create a user with a role and its scope."""
    try:
        display_name = clean_optional(display_name, field=N_("name"))
        with loa.session() as s:
            unit_id = find_unit(s, unit_code).id if unit_code else None
            user = accounts.create_user(
                s, username, password, role, "cli", display_name=display_name,
                unit_id=unit_id, channel_ids=list(channel_ids),
            )  # fmt: skip
            loa.echo(N_("User '%(user)s' (%(role)s) created"), user=user.username, role=role)
    except LoaError as exc:
        raise loa.refuse(exc) from exc


@users_group.command("token")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@click.option("--list", "list_them", is_flag=True, help="List the user's tokens instead.")
@click.option("--revoke", "revoke_id", type=click.IntRange(1, 2**31 - 1), help="Revoke token ID.")
@pass_loa
def token(
    loa: LoaContext, username: str, name: str, list_them: bool, revoke_id: int | None
) -> None:
    """Issue an API bearer token for a user (printed once), or list or revoke their tokens."""
    try:
        with loa.session() as s:
            user = s.scalar(
                select(User).where(User.username == accounts.normalise_username(username))
            )
            if user is None:
                raise loa.error(N_("There is no user '%(user)s'"), user=username)
            if revoke_id is not None:
                accounts.revoke_token(s, user, revoke_id, "cli")
                loa.echo(N_("Token %(id)s revoked"), id=revoke_id)
            elif list_them:
                for t in accounts.list_tokens(s, user):
                    state = (
                        loa.text(message(N_("revoked %(at)s"), at=f"{t.revoked_at:%Y-%m-%d %H:%M}"))
                        if t.revoked_at
                        else loa.text(message(N_("in use")))
                    )
                    click.echo(f"{t.id:6} {t.name:20} {t.created_at:%Y-%m-%d %H:%M}  {state}")
            else:
                click.echo(accounts.issue_token(s, user, name, "cli"))
    except LoaError as exc:
        raise loa.refuse(exc) from exc


@users_group.command("password")
@click.argument("username")
@click.password_option(help="New password (asked when not given).")
@pass_loa
def password(loa: LoaContext, username: str, password: str) -> None:
    """Set a user's password (their sessions end)."""
    try:
        with loa.session() as s:
            user = s.scalar(
                select(User).where(User.username == accounts.normalise_username(username))
            )
            if user is None:
                raise loa.error(N_("There is no user '%(user)s'"), user=username)
            accounts.set_password(s, user, password, "cli")
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(N_("Password changed"))


@users_group.command("list")
@pass_loa
def list_users(loa: LoaContext) -> None:
    """List users with their role and scope."""
    with loa.session() as s:
        for user in s.scalars(select(User).order_by(User.username)):
            scope = user.unit.name if user.unit else ",".join(map(str, user.channel_ids)) or "-"
            state = "" if user.active else " " + loa.text(message(N_("(disabled)")))
            click.echo(f"{user.username:20} {user.role:12} {scope}{state}")


@users_group.command("demo")
@pass_loa
def demo(loa: LoaContext) -> None:
    """Create one account per role on the demo province and print how to sign in."""
    migrations.upgrade(loa.engine)
    with loa.session() as s:
        first = s.scalar(
            select(Channel)
            .where(Channel.code.like(f"{DEMO_PREFIX}%"), Channel.kind == "commune_radio")
            .order_by(Channel.code)
        )
        if first is None:
            raise loa.error(N_("There is no demo data: run `loa demo` first"))
        province = first.unit
        while province.parent is not None:
            province = province.parent
        assert isinstance(province, AdminUnit)
        wanted: list[tuple[str, str, str, dict[str, Any]]] = [
            ("admin", "admin", "Quản trị hệ thống", {}),
            ("kehoach", "planner", "Cán bộ kế hoạch", {"unit_id": province.id}),
            ("giamsat", "supervisor", "Văn phòng Điều phối NTM", {"unit_id": province.id}),
            ("phatthanh", "broadcaster", f"Phụ trách {first.name}", {"channel_ids": [first.id]}),
        ]
        for username, role, name, scope in wanted:
            if s.scalar(select(User.id).where(User.username == username)) is None:
                accounts.create_user(
                    s, username, DEMO_PASSWORD, role, "demo", display_name=name, **scope
                )
        loa.echo(N_("Demo accounts (password for all: %(password)s):"), password=DEMO_PASSWORD)
        for username, role, _name, _scope in wanted:
            click.echo(f"  {username:10} {role}")
        note = message(
            N_("(planner and supervisor: %(province)s; broadcaster: %(channel)s)"),
            province=province.name,
            channel=first.name,
        )
        click.echo("  " + loa.text(note))


def register(group: click.Group) -> None:
    """Attach the users commands."""
    group.add_command(users_group)
