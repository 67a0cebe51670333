"""The PDF after layout, for printers: parts joined, PDF/X, pure black, printer's marks and
slug lines, what a preflight flags taken out, booklets imposed on their sheets."""
