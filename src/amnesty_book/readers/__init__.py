"""Readers: each turns one kind of source file into draft model objects, with file and line;
loading.py reads them all, has the citations set and numbers the book."""
