"""Makes a book N times the size of the article, for the benchmark: N chapters, each a copy of the
article with its own note labels and plate ids (the plate scans themselves are shared)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from long_book import copy_book


def make_big_book(project: Path, target: Path, copies: int) -> str:
    """Writes the big book's project into `target` and says how large it is."""
    copy_book(project, target)
    article = (project / "manuscript" / "article.md").read_text(encoding="utf-8")
    body, _, notes = article.partition("\n[^")
    notes = "[^" + notes
    plates = yaml.safe_load((project / "images" / "plates.yaml").read_text(encoding="utf-8"))
    chapters, all_plates = [], []
    for copy in range(1, copies + 1):
        suffix = f"-{copy}"
        chapter = re.sub(r"\[\^([^\]]+)\]", rf"[^\1{suffix}]", body + "\n" + notes)
        chapter = re.sub(r"(?m)^::: plate (\S+)$", rf"::: plate \1{suffix}", chapter)
        chapter = re.sub(r"(?m)^# (.*)$", rf"# \1 ({copy})", chapter)
        chapter = re.sub(r"(?m)^## (.*)$", rf"## \1 ({copy})", chapter)
        chapters.append(chapter)
        for plate in plates:
            all_plates.append(
                {
                    **plate,
                    "id": plate["id"] + suffix,
                    "caption": re.sub(r"\[\^([^\]]+)\]", rf"[^\1{suffix}]", plate["caption"]),
                }
            )
    (target / "manuscript" / "article.md").write_text("\n\n".join(chapters), encoding="utf-8")
    manifest = yaml.safe_dump(all_plates, allow_unicode=True)
    (target / "images" / "plates.yaml").write_text(manifest, encoding="utf-8")
    # The timeline's cross-references point at the first copy's plates and notes.
    timeline = target / "manuscript" / "timeline.yaml"
    text = re.sub(r"@(plate|note):([\w-]+)", r"@\1:\2-1", timeline.read_text(encoding="utf-8"))
    timeline.write_text(text, encoding="utf-8")
    note_count = len(re.findall(r"(?m)^\[\^", notes)) * copies
    return f"{copies} chapters, {len(all_plates)} plates, {note_count} notes"
