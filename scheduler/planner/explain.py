"""Why a rule could not be met on a channel, in words a planner understands (catalogue messages).

The library is narrowed step by step, the way a planner would look for a programme: what the rule
asks for, in a language the channel airs, approved, valid that week, short enough for the free
airtime, not aired there recently. The first step that leaves fewer than needed is the cause.
When every step leaves enough, the cause is airtime: alone, or together with the other rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audio.messages import N_, Joined, Localized, Message, message, render_in
from scheduler.config import Label, Rule, Settings
from scheduler.periods import Week
from scheduler.planner.facts import ProgrammeFacts, RuleView, WeekFacts
from scheduler.rules import ChannelFacts

STAGES = ("content", "language", "approval", "validity", "length", "repeat")


@dataclass(frozen=True)
class Shortfall:
    """A rule a channel does not reach this week (level minimum or target), and why."""

    channel_id: int
    rule_id: str
    level: str  # minimum | target
    needed: float  # in the rule's measure (airings, programmes or minutes) this week
    planned: float
    cause: str  # a STAGES entry, no_slots, airtime, joint, search_limit
    reason: Message

    def in_language(self, language: str) -> str:
        """The explanation in `language` (a message parameter renders so)."""
        return render_in(self.reason, language)

    @property
    def text_vi(self) -> str:
        """The explanation in Vietnamese."""
        return self.in_language("vi")

    @property
    def text_en(self) -> str:
        """The explanation in English."""
        return self.in_language("en")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _minutes(seconds: float) -> str:
    m = seconds / 60
    return f"{m:.0f}" if abs(m - round(m)) < 0.05 else f"{m:.1f}"


@dataclass(frozen=True)
class _Either:
    """Configured names joined with "or"; lower-cased first letters where the language wants."""

    names: tuple[Localized, ...]
    lower: tuple[str, ...] = ("vi", "en")

    def in_language(self, language: str) -> str:
        """The names in `language`, joined with the catalogue's "or"."""
        shown = [n.in_language(language) for n in self.names]
        if language in self.lower:
            shown = [_lower_first(n) for n in shown]
        either = render_in(Message(N_("or")), language)
        return f" {either} ".join(shown)


@dataclass(frozen=True)
class _Each:
    """The Vietnamese particle "đều" before a negative said of several programmes (no English)."""

    several: bool

    def in_language(self, language: str) -> str:
        """ "đều " in Vietnamese when several programmes are meant; nothing in English."""
        return "đều " if self.several and language == "vi" else ""


@dataclass(frozen=True)
class _Words:
    """Messages shown one after another, separated by a space (a noun phrase and its modifiers)."""

    parts: tuple[Any, ...]

    def in_language(self, language: str) -> str:
        """Each part rendered in `language`, joined by spaces."""
        return " ".join(render_in(p, language) for p in self.parts)


def _labels(settings: Settings, table: str, codes: Sequence[str]) -> tuple[Localized, ...]:
    names = getattr(settings, table)
    return tuple(names.get(c) or Label(c, c) for c in codes)


def describe(settings: Settings, rule: Rule, ch: ChannelFacts) -> _Words:
    """What the rule asks for, as a noun phrase ("chương trình về NTM bằng tiếng H'Mông")."""
    kinds = _labels(settings, "programme_types", rule.programme_types)
    parts: list[Any] = [_Either(kinds) if kinds else Message(N_("programme"))]
    if rule.topics:
        topics = _Either(_labels(settings, "topics", rule.topics), lower=())
        parts.append(message(N_("on %(topics)s"), topics=topics))
    langs = [code for code in rule.languages if code != "channel"]
    if rule.uses_channel_language:
        langs += sorted(ch.minority_languages)
    if langs:
        names = _Either(_labels(settings, "languages", langs), lower=("vi",))
        parts.append(message(N_("in %(languages)s"), languages=names))
    lo, hi = rule.min_duration_minutes, rule.max_duration_minutes
    if lo is not None and hi is not None:
        parts.append(message(N_("of %(lo)s to %(hi)s minutes"), lo=f"{lo:g}", hi=f"{hi:g}"))
    elif lo is not None:
        parts.append(message(N_("of at least %(lo)s minutes"), lo=f"{lo:g}"))
    elif hi is not None:
        parts.append(message(N_("of at most %(hi)s minutes"), hi=f"{hi:g}"))
    return _Words(tuple(parts))


@dataclass
class Funnel:
    """How many programmes (or seconds of them) are left after each narrowing step."""

    stages: list[tuple[str, int]]
    longest_free: int  # seconds: the largest free airtime of one slot (after emergency items)

    def first_short(self, need: int) -> str | None:
        """The first stage that leaves less than need, if any."""
        for name, units in self.stages:
            if units < need:
                return name
        return None

    def units(self, stage: str) -> int:
        """Units left after the stage."""
        return dict(self.stages)[stage]


def funnel(
    facts: WeekFacts,
    view: RuleView,
    ch: ChannelFacts,
    free: dict[int, int],
    in_week: set[int],
) -> Funnel:
    """Narrow the library for one rule on one channel; free = largest free seconds by weekday."""
    week = facts.week
    rule = view.rule
    recent = facts.recent.get(ch.id, set())
    seen = view.seen() if rule.count == "distinct_programmes" else set()
    longest = max(free.values(), default=0)
    left: list[ProgrammeFacts] = [
        p for p in facts.programmes.values() if view.counted(p.id, facts.programmes, ch)
    ]
    steps: list[tuple[str, int]] = []

    def units(progs: list[ProgrammeFacts]) -> int:
        return sum(p.seconds for p in progs) if rule.count == "minutes" else len(progs)

    steps.append(("content", units(left)))
    left = [p for p in left if p.language in ch.languages]
    steps.append(("language", units(left)))
    left = [p for p in left if p.approved]
    steps.append(("approval", units(left)))
    days = {p.id: p.valid_days(week) for p in left}
    left = [p for p in left if days[p.id] & _mask(free)]
    steps.append(("validity", units(left)))
    left = [
        p for p in left
        if any(days[p.id] >> d & 1 and p.seconds <= f for d, f in free.items())
    ]  # fmt: skip
    steps.append(("length", units(left)))
    left = [p for p in left if p.id not in recent and p.id not in in_week and p.id not in seen]
    steps.append(("repeat", units(left)))
    return Funnel(steps, longest)


def _mask(free: dict[int, int]) -> int:
    mask = 0
    for d in free:
        mask |= 1 << d
    return mask


def _have(rule: Rule, units: int) -> Message | str:
    """How much of the library is left: a count, or minutes for a minutes rule."""
    if rule.count == "minutes":
        return message(N_("%(minutes)s minutes of"), minutes=_minutes(units))
    return str(units)


def _amount(rule: Rule, units: float) -> Message:
    if rule.count == "minutes":
        return message(N_("%(minutes)s minutes"), minutes=_minutes(units))
    if rule.count == "airings":
        return message(N_("%(n)s airings"), n=f"{units:g}")
    return message(N_("%(n)s programmes"), n=f"{units:g}")


def _found(
    settings: Settings, rule: Rule, ch: ChannelFacts, fun: Funnel, week: Week, n: int
) -> tuple[list[Message], dict[str, Message]]:
    """What each narrowing step keeps, as a phrase ("approved"), by stage after "content"."""
    langs = _Either(_labels(settings, "languages", sorted(ch.languages)), lower=("vi",))
    return [
        message(N_("in %(languages)s"), languages=langs),
        Message(N_("approved")),
        message(N_("valid in week %(week)s"), week=week),
        message(
            N_("no longer than %(minutes)s minutes (the largest free airtime in one slot)"),
            minutes=_minutes(fun.longest_free),
        ),
        message(N_("not aired on this channel within %(n)s weeks before or after"), n=n),
    ], {
        "language": message(N_("none is in %(languages)s"), languages=langs),
        "approval": Message(N_("none is approved")),
        "validity": message(N_("none is valid in week %(week)s"), week=week),
        "length": message(
            N_("all are longer than %(minutes)s minutes, the largest free airtime in one slot"),
            minutes=_minutes(fun.longest_free),
        ),
        "repeat": message(N_("all aired on this channel within %(n)s weeks before or after"), n=n),
    }


def explain(  # noqa: PLR0913 - all the facts one sentence about a rule draws on
    settings: Settings,
    facts: WeekFacts,
    view: RuleView,
    ch: ChannelFacts,
    fun: Funnel,
    need: int,
    level: str,
    solver_reason: str | None,
    others: Sequence[Localized],
) -> tuple[str, Message]:
    """The cause code and the sentence that explains it."""
    rule = view.rule
    week = facts.week
    if not facts.slots.get(ch.id):
        return "no_slots", message(N_("the channel has no slot in week %(week)s"), week=week)
    stage = fun.first_short(need)
    if stage is not None:
        what = describe(settings, rule, ch)
        wanted = message(N_("%(amount)s needed"), amount=_amount(rule, need))
        got = fun.units(stage)
        if stage == "content":
            if got == 0:
                return stage, message(N_("there is no %(what)s"), what=what)
            return stage, message(
                N_("only %(have)s found: %(what)s; %(wanted)s"),
                have=_have(rule, got), what=what, wanted=wanted,
            )  # fmt: skip
        order = STAGES.index(stage)
        extra, negative = _found(settings, rule, ch, fun, week, facts.no_repeat_weeks)
        bits: list[Any] = [what]
        for k, bit in enumerate(extra[: order - 1]):
            if k == 0 and rule.languages:
                continue  # the rule already names the language
            bits.append(bit)
        prev = fun.units(STAGES[order - 1])
        head = message(N_("%(have)s found: %(bits)s"), have=_have(rule, prev), bits=bits)
        if got == 0:
            each = _Each(prev > 1 or rule.count == "minutes")
            return stage, message(
                N_("%(head)s, but %(each)s%(negative)s"),
                head=head, each=each, negative=negative[stage],
            )  # fmt: skip
        return stage, message(
            N_("%(head)s, but only %(have)s %(found)s; %(wanted)s"),
            head=head, have=_have(rule, got), found=extra[order - 1], wanted=wanted,
        )  # fmt: skip
    if solver_reason == "search_limit":
        return "search_limit", Message(
            N_("the planner found no arrangement within its search limit; place it by hand")
        )
    if solver_reason == "joint" and others:
        return "joint", message(
            N_("not enough free airtime to meet it together with the other rules: %(rules)s"),
            rules=Joined(others),
        )
    if solver_reason == "target":
        return "airtime", Message(
            N_(
                "the minimum is met; the free airtime cannot also reach the target with the "
                "other rules"
            )
        )
    return "airtime", message(
        N_("the free airtime of the week cannot hold %(amount)s of %(what)s"),
        amount=_amount(rule, need), what=describe(settings, rule, ch),
    )  # fmt: skip
