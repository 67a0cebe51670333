"""amnesty-book: builds the web, PDF, EPUB and print editions of a book from one manuscript."""

__version__ = "0.1.0"
