"""Citations of the bibliography and cross-references: their syntax, the bibliography, the style."""
