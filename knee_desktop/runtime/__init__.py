"""Qt starts here: the cue scheduler, the audio output (QtMultimedia), the voice that plays
clips on their beat, and the one session driver used by both the window and the terminal."""
