"""Coverage rules, compliance, roll-ups, the pre-publish check and periodic reports."""

from scheduler.compliance.engine import evaluate
from scheduler.compliance.model import (
    ChannelInfo,
    ChannelRuleResult,
    ComplianceResult,
    PeriodCount,
    RuleResult,
)
from scheduler.compliance.precheck import PrecheckResult, Shortfall, precheck
from scheduler.compliance.rollup import COUNTRY, UnitRollup, rollup

__all__ = [
    "COUNTRY",
    "ChannelInfo",
    "ChannelRuleResult",
    "ComplianceResult",
    "PeriodCount",
    "PrecheckResult",
    "RuleResult",
    "Shortfall",
    "UnitRollup",
    "evaluate",
    "precheck",
    "rollup",
]
