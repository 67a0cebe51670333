"""The checks of the sources (lint) and of the built editions (read-back, layout audit)."""
