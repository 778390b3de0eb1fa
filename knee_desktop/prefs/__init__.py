"""The user's saved settings and the daily reminder's schedule. Plain Python."""
