"""The session state machine over one injectable clock: where we are on the timeline, pause,
resume, skip, repeat, stop. Plain Python."""
