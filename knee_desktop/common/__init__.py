"""Shared plumbing every layer may use: errors, paths (platformdirs), hooks, logging, the app's
own command line. No Qt, no pyttsx3."""
