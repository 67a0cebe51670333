"""WeasyPrint's resource loading, confined to the project: file: URLs inside it, data: URLs, and
the plates by id (`plate:ID`), so that nothing of where the project or the cache stands goes
into the PDF (WeasyPrint names each image by its URL)."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

PLATE = "plate"  # the scheme of a plate's URL: plate:ID


def plate_url(plate_id: str) -> str:
    return f"{PLATE}:{plate_id}"


class ProjectFetcher(URLFetcher):
    """Refuses the network and every file outside the allowed folders (symlinks resolved);
    gives each plate's image by its id (`plates`: id -> the file it is printed from)."""

    def __init__(self, *roots: Path, plates: Mapping[str, Path] | None = None, **options: Any) -> None:
        options.setdefault("allowed_protocols", ("file", "data", PLATE))
        super().__init__(**options)
        self.roots = tuple(root.resolve() for root in roots)
        self.plates = dict(plates or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == PLATE and parts.path in self.plates:
            return _response(url, self.plates[parts.path])
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url}: only files of the project are read")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"refused to read {path.name}: it is not a file of the project")
        return _response(path.as_uri(), path)


def _response(url: str, path: Path) -> URLFetcherResponse:
    mime_type, _ = mimetypes.guess_type(path.name)
    return URLFetcherResponse(
        url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
    )
