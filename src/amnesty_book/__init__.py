"""amnesty-book: builds the web, PDF, EPUB and print editions of a book from one manuscript."""

from amnesty_book.layout.weasyprint import library_loading

__version__ = "0.1.0"

library_loading.install()
