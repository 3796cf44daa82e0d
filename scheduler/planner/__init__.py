"""The planner: fill a week so that every channel meets its rules; explain what cannot be met."""

from scheduler.planner.service import PlanResult, plan_week

__all__ = ["PlanResult", "plan_week"]
