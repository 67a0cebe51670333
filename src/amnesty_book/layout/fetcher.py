"""WeasyPrint's resource loading, confined to the project: file: URLs inside it and data: URLs only."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Refuses the network and every file outside the allowed folders (symlinks resolved)."""

    def __init__(self, *roots: Path, **options: Any) -> None:
        options.setdefault("allowed_protocols", ("file", "data"))
        super().__init__(**options)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url}: only files of the project are read")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"refused to read {path.name}: it is not a file of the project")
        mime_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": mime_type or "application/octet-stream"},
        )
