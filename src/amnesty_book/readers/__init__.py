"""Readers: each turns one kind of source file into draft model objects, with file and line."""
