"""Turns a .docx or .odt manuscript into a new book project (`amnesty-book import`)."""
