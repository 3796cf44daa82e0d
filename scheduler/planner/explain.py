"""Why a rule could not be met on a channel, in words a planner understands (Vietnamese, English).

The library is narrowed step by step, the way a planner would look for a programme: what the rule
asks for, in a language the channel airs, approved, valid that week, short enough for the free
airtime, not aired there recently. The first step that leaves fewer than needed is the cause.
When every step leaves enough, the cause is airtime: alone, or together with the other rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.config import Rule, Settings
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
    text_vi: str
    text_en: str

    def in_language(self, language: str) -> str:
        """The explanation in `language` (a message parameter renders so)."""
        return self.text_en if language == "en" else self.text_vi


def _label(settings: Settings, table: str, code: str, lang: str) -> str:
    names = getattr(settings, table).get(code)
    return getattr(names, lang) if names else code


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _minutes(seconds: float) -> str:
    m = seconds / 60
    return f"{m:.0f}" if abs(m - round(m)) < 0.05 else f"{m:.1f}"


def describe(settings: Settings, rule: Rule, ch: ChannelFacts, lang: str) -> str:
    """What the rule asks for, as a noun phrase ("chương trình về NTM bằng tiếng H'Mông")."""
    vi = lang == "vi"
    kinds = [
        _lower_first(_label(settings, "programme_types", t, lang)) for t in rule.programme_types
    ]
    head = " hoặc ".join(kinds) if vi and kinds else ("chương trình" if vi else "")
    if not vi:
        head = " or ".join(kinds) if kinds else "programme"
    parts = [head]
    if rule.topics:
        topics = [_label(settings, "topics", t, lang) for t in rule.topics]
        parts.append(("về " + " hoặc ".join(topics)) if vi else ("on " + " or ".join(topics)))
    langs = [code for code in rule.languages if code != "channel"]
    if rule.uses_channel_language:
        langs += sorted(ch.minority_languages)
    if langs:
        names = [_label(settings, "languages", code, lang) for code in langs]
        names = [_lower_first(n) for n in names] if vi else names
        parts.append(("bằng " + " hoặc ".join(names)) if vi else ("in " + " or ".join(names)))
    lo, hi = rule.min_duration_minutes, rule.max_duration_minutes
    if lo is not None and hi is not None:
        parts.append(f"dài từ {lo:g} đến {hi:g} phút" if vi else f"of {lo:g} to {hi:g} minutes")
    elif lo is not None:
        parts.append(f"dài ít nhất {lo:g} phút" if vi else f"of at least {lo:g} minutes")
    elif hi is not None:
        parts.append(f"dài không quá {hi:g} phút" if vi else f"of at most {hi:g} minutes")
    return " ".join(parts)


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


def _have(rule: Rule, units: int, lang: str) -> str:
    """How much of the library is left: a count, or minutes for a minutes rule."""
    if rule.count == "minutes":
        return f"{_minutes(units)} " + ("phút" if lang == "vi" else "minutes of")
    return str(units)


def _amount(rule: Rule, units: float, lang: str) -> str:
    if rule.count == "minutes":
        return f"{_minutes(units)} " + ("phút" if lang == "vi" else "minutes")
    if lang == "vi":
        return f"{units:g} " + ("lần phát" if rule.count == "airings" else "chương trình")
    return f"{units:g} " + ("airings" if rule.count == "airings" else "programmes")


def explain(  # noqa: PLR0913 - all the facts one sentence about a rule draws on
    settings: Settings,
    facts: WeekFacts,
    view: RuleView,
    ch: ChannelFacts,
    fun: Funnel,
    need: int,
    level: str,
    solver_reason: str | None,
    others: list[str],
) -> tuple[str, str, str]:
    """The cause code and its Vietnamese and English sentences."""
    rule = view.rule
    week = facts.week
    n = facts.no_repeat_weeks
    if not facts.slots.get(ch.id):
        return (
            "no_slots",
            f"đài không có khung giờ phát sóng nào trong tuần {week}",
            f"the channel has no slot in week {week}",
        )
    stage = fun.first_short(need)
    if stage is not None:
        vi_bits = [describe(settings, rule, ch, "vi")]
        en_bits = [describe(settings, rule, ch, "en")]
        order = STAGES.index(stage)
        langs_vi = " hoặc ".join(
            _lower_first(_label(settings, "languages", c, "vi")) for c in sorted(ch.languages)
        )
        langs_en = " or ".join(_label(settings, "languages", c, "en") for c in sorted(ch.languages))
        extra = [
            ("bằng " + langs_vi, "in " + langs_en),
            ("được duyệt", "approved"),
            (f"còn hiệu lực trong tuần {week}", f"valid in week {week}"),
            (
                f"dài không quá {_minutes(fun.longest_free)} phút (chỗ trống lớn nhất trong một "
                "khung giờ)",
                f"no longer than {_minutes(fun.longest_free)} minutes (the largest free airtime "
                "in one slot)",
            ),
            (
                f"chưa phát trên đài này trong {n} tuần trước và sau",
                f"not aired on this channel within {n} weeks before or after",
            ),
        ]
        m = _minutes(fun.longest_free)
        negative = {
            "language": (f"không bằng {langs_vi}", f"none is in {langs_en}"),
            "approval": ("chưa được duyệt", "none is approved"),
            "validity": (f"không còn hiệu lực trong tuần {week}", f"none is valid in week {week}"),
            "length": (
                f"dài hơn {m} phút, chỗ trống lớn nhất trong một khung giờ",
                f"all are longer than {m} minutes, the largest free airtime in one slot",
            ),
            "repeat": (
                f"đã phát trên đài này trong {n} tuần trước hoặc sau",
                f"all aired on this channel within {n} weeks before or after",
            ),
        }
        wanted_vi = f"cần {_amount(rule, need, 'vi')}"
        wanted_en = f"{_amount(rule, need, 'en')} needed"
        got = fun.units(stage)
        if stage == "content":
            what_vi, what_en = vi_bits[0], en_bits[0]
            if got == 0:
                return stage, f"không có {what_vi}", f"there is no {what_en}"
            return (
                stage,
                f"chỉ có {_have(rule, got, 'vi')} {what_vi}; {wanted_vi}",
                f"only {_have(rule, got, 'en')} found: {what_en}; {wanted_en}",
            )
        for k, (vi, en) in enumerate(extra[: order - 1]):
            if k == 0 and rule.languages:
                continue  # the rule already names the language
            vi_bits.append(vi)
            en_bits.append(en)
        prev = fun.units(STAGES[order - 1])
        head_vi = f"có {_have(rule, prev, 'vi')} {', '.join(vi_bits)}"
        head_en = f"{_have(rule, prev, 'en')} found: {', '.join(en_bits)}"
        if got == 0:
            all_vi = "đều " if prev > 1 or rule.count == "minutes" else ""
            neg_vi, neg_en = negative[stage]
            return stage, f"{head_vi}, nhưng {all_vi}{neg_vi}", f"{head_en}, but {neg_en}"
        pos_vi, pos_en = extra[order - 1]
        return (
            stage,
            f"{head_vi}, nhưng chỉ {_have(rule, got, 'vi')} {pos_vi}; {wanted_vi}",
            f"{head_en}, but only {_have(rule, got, 'en')} {pos_en}; {wanted_en}",
        )
    if solver_reason == "search_limit":
        return (
            "search_limit",
            "bộ lập lịch không tìm được cách xếp trong giới hạn tìm kiếm; hãy xếp tay",
            "the planner found no arrangement within its search limit; place it by hand",
        )
    if solver_reason == "joint" and others:
        return (
            "joint",
            "không đủ thời lượng trống để đáp ứng cùng lúc với các quy định khác: "
            + "; ".join(others),
            "not enough free airtime to meet it together with the other rules: "
            + "; ".join(others),
        )
    if solver_reason == "target":
        return (
            "airtime",
            "đã đạt mức tối thiểu; thời lượng trống không đủ để đạt mục tiêu cùng các quy định "
            "khác",
            "the minimum is met; the free airtime cannot also reach the target with the other "
            "rules",
        )
    return (
        "airtime",
        f"các khung giờ còn trống trong tuần không đủ chỗ cho {_amount(rule, need, 'vi')} "
        f"{describe(settings, rule, ch, 'vi')}",
        f"the free airtime of the week cannot hold {_amount(rule, need, 'en')} of "
        f"{describe(settings, rule, ch, 'en')}",
    )
