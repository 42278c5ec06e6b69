"""A paragraph being read run by run, shared by the readers that see fonts and bold/italic per run (.odt, .rtf).

Runs keep their font so that legacy-encoded text (TCVN3, VNI) is converted
by font (:class:`~docparse.legacy_encodings.Runs`); bold and italic are
decided by the majority of the paragraph's visible characters, the way a
reader sees a heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import legacy_encodings as legacy
from ..model import Paragraph


@dataclass
class StyledParagraph:
    runs: legacy.Runs = field(default_factory=legacy.Runs)
    label: str = ""  # a list label the format draws itself ("1.", "a)")
    chars: int = 0
    bold: int = 0
    italic: int = 0

    def add(self, text: str, bold: bool, italic: bool, font: str | None) -> None:
        if not text:
            return
        self.runs.add(text, font)
        n = len(text) - text.count(" ") - text.count("\t") - text.count("\n")
        self.chars += n
        self.bold += n if bold else 0
        self.italic += n if italic else 0

    @property
    def empty(self) -> bool:
        return not self.runs.parts

    def text(self) -> str:
        return self.runs.text()

    def paragraph(self) -> Paragraph:
        n = self.chars
        return Paragraph(self.label + self.text(), bold=n > 0 and 2 * self.bold > n,
                         italic=n > 0 and 2 * self.italic > n)
