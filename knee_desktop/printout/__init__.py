"""The report on paper (PDF and printer): Qt's text layout over the plain data of
:mod:`knee_desktop.history.report`. Both the terminal (cli) and the window (ui) use it."""
