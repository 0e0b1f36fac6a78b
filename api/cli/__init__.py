"""The ``meedenken`` command: analyse an export, serve, run the demo, build a report."""
