"""Scans read whole in a thread of their own while the rest of the book is read: a truncated or
corrupt scan is found without holding up reading (a first build of the article 0.1 s sooner),
and a scan is checked once (CheckedScans). A JPEG is decoded; a PNG's chunks are checked
against their checksums, which finds a truncated file or a changed byte without decoding it
(the print image made from it decodes it too, in the same build)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from PIL import Image, ImageFile

from amnesty_book.support.cache import CheckedScans
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems


class ScanChecks:
    """The scans of a book being read, checked one after another in a background thread."""

    def __init__(self, root: Path) -> None:
        self._checked = CheckedScans(root)
        # One thread: the decoding flag it sets (_decode) is the process's.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checking scans")
        self._pending: list[tuple[Future[None], Path, SourceLocation, str]] = []

    def __enter__(self) -> ScanChecks:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._thread.shutdown(cancel_futures=True)

    def check(self, scan: Path, where: SourceLocation, shown: str) -> None:
        """Checks the scan (named `shown` at `where`) in the background, unless it was before."""
        self._pending.append((self._thread.submit(self._decode, scan), scan, where, shown))

    def wait(self, problems: Problems) -> None:
        """Waits for every scan's check; one found damaged is a problem at its line."""
        for future, scan, where, shown in self._pending:
            try:
                future.result()
            except (OSError, SyntaxError, ValueError) as error:  # Pillow's words for a damaged file
                problems.extend(unreadable(scan, where, shown, error))
        self._pending.clear()

    def _decode(self, scan: Path) -> None:
        if scan in self._checked:
            return
        # Pillow pads a truncated file with grey while ImageFile.LOAD_TRUNCATED_IMAGES is set,
        # which importing WeasyPrint does for the whole process, maybe in another thread while
        # a scan is checked here: a scan checked while it was set is checked again, and the
        # setting WeasyPrint made is kept.
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        try:
            while True:
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                with Image.open(scan) as image:
                    if image.format == "PNG":  # its chunks' checksums, without decoding them
                        image.verify()
                    else:  # at an eighth of the size a JPEG is still read whole, for a fraction of the time
                        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                        image.load()
                if not ImageFile.LOAD_TRUNCATED_IMAGES:
                    break
                lenient = True
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
        self._checked.add(scan)


def unreadable(scan: Path, where: SourceLocation, shown: str, error: Exception) -> BookError:
    """A scan Pillow cannot read, in Pillow's words."""
    reason = " ".join(str(error).replace(str(scan), shown).split())
    return BookError.at(where, f"image '{shown}' cannot be read ({reason}); replace the file")
