"""The command line's exit codes, as a shell reads them."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 128 + 2  # as a shell reports a command that SIGINT ended
