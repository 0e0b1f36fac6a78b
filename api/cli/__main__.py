"""``python -m meedenken.api.cli`` is the ``meedenken`` command."""

from meedenken.api.cli.main import main

raise SystemExit(main())
