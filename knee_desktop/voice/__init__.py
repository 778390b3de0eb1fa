"""Speech and sound: rendering phrases to clips, and playing them on the beat."""
