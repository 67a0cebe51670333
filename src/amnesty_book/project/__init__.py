"""The project: its book.toml, its files and their digest, the kinds of edition it may ask for,
and the words the builder itself prints (labels.py)."""
