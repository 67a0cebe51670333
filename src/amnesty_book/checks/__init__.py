"""The checks: of the sources (lint, glyphs) and of the built editions (read-back, layout audit)."""
