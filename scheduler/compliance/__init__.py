"""Coverage rules, compliance, roll-ups, the pre-publish check and periodic reports."""

from scheduler.compliance.engine import evaluate
from scheduler.compliance.model import (
    ChannelInfo,
    ChannelRuleResult,
    ComplianceResult,
    PeriodCount,
    RuleResult,
)

__all__ = [
    "ChannelInfo",
    "ChannelRuleResult",
    "ComplianceResult",
    "PeriodCount",
    "RuleResult",
    "evaluate",
]
