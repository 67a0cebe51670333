"""Runs the command line as `python -m amnesty_book`."""

from .cli import main

raise SystemExit(main())
