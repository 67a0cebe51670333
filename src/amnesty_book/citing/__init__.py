"""Citations of the bibliography: the bibliography, its entries, the CSL style, and the
citations set by pandoc's citeproc."""
