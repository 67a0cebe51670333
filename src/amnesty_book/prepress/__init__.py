"""The PDF after layout, for printers: parts joined, PDF/X, pure black, printer's marks and
slug lines, booklets imposed on their sheets."""
