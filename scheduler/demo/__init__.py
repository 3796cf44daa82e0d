"""The demo: a realistic province with stations, a growing library, weeks of airings, audio."""

from scheduler.demo.build import DemoSummary, build_demo
from scheduler.demo.stations import DEMO_PREFIX, demo_present

__all__ = ["DEMO_PREFIX", "DemoSummary", "build_demo", "demo_present"]
