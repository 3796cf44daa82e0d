"""The planner: fill a week so that every channel meets its rules; explain what cannot be met."""
