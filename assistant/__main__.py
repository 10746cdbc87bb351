"""`python -m assistant ...` is the `cairn` command."""

from assistant.cli import main

raise SystemExit(main())
