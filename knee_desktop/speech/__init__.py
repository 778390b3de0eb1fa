"""Speech as data: phrases rendered once (pyttsx3 lives only here), cached WAV clips, tones,
fitting the timeline to the clips, export. No Qt."""
