"""The project: its book.toml, its files, and the kinds of edition it may ask for."""
