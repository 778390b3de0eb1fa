"""session room of the window (see docs/architecture.md)."""
