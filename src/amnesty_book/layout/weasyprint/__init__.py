"""Every change the builder makes to WeasyPrint and the libraries under it, in one place."""
