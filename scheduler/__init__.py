"""Where and when: units, channels, slots, schedules, airings, rules, compliance, reports."""
