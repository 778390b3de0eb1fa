"""From a routine and the plan settings to a timeline of timed cues, and the leg's pose at any
moment of it. Plain Python."""
