"""The one error of the audio output, on its own so that the output and the watch over its
sound server (``server_watch``) both raise it without importing each other."""


class AudioUnavailable(RuntimeError):
    """No audio output: the message says so in words for the user."""
