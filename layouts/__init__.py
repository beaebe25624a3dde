"""What each page shows: functions that build Dash components from the core's data."""
