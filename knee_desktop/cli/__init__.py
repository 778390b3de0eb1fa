"""The command line: one module per command, registered in :mod:`knee_desktop.cli.main`."""
