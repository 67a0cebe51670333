"""Runs the command line as `python -m amnesty_book` and as `amnesty-book`: Ctrl-C while the
command line is still being imported is a quiet exit too, as it is once it runs (cli.main)."""

import sys

from amnesty_book.support.exit_codes import EXIT_INTERRUPTED


def run() -> int:
    try:
        from amnesty_book.cli import main
    except KeyboardInterrupt:
        print("amnesty-book: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
