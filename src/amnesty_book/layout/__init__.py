"""Pages: the book laid out with WeasyPrint for every paged edition (engine.py): plates
planned and floated, notes under their calls, long books in parts, layouts shared, cut to
another paper and remembered. WeasyPrint's patches live in layout/weasyprint/."""
