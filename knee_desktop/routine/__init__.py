"""Routines: the model, the TOML loader and its checks. Plain Python."""
