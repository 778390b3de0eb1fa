"""What the app says outside the timeline: the controls' questions, how to start, notes.

Every phrase here is rendered with the session's cues (``SessionDriver.plan``), so no
prompt waits for the speech engine.
"""

from __future__ import annotations

from knee_desktop.history.feel import KneeFeel, spoken_answer, spoken_question
from knee_desktop.runtime.server_watch import BACK_WORDS

CONFIRM_STOP = "Press escape again to stop."
SAY_STOP_AGAIN = "Say stop again to stop."  # the spoken "stop"'s question (voice_commands)
LAST_STEP = "This is the last step."
CONFIRM_QUIT = "A session is running. Stop it and close? Press Y to stop, or N to go on."
GOING_ON = "Going on."
HOW_TO_START = "Press space to begin."
SCREEN_AWAKE = ("The screen could not be kept awake: it may go dark during the session. "
                "The voice goes on.")
# Rendered with the cues, so no prompt waits for the speech engine.
PROMPTS = (CONFIRM_STOP, LAST_STEP, CONFIRM_QUIT, GOING_ON, HOW_TO_START, SCREEN_AWAKE,
           BACK_WORDS, spoken_question("before"),
           spoken_question("after"), SAY_STOP_AGAIN,
           spoken_answer(KneeFeel(None)), *(spoken_answer(KneeFeel(n)) for n in range(11)))
