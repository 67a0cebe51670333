"""Runs the command line as `python -m amnesty_book`."""

from amnesty_book.cli import main

raise SystemExit(main())
