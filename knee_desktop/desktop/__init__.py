"""Desktop integration: single instance, screen-saver inhibit, tray and reminder."""
