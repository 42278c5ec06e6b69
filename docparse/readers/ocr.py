"""OCR of page images with Tesseract (``-l vie``): words with boxes and confidences.

Why the Tesseract **command line** through :mod:`subprocess`, not pytesseract
or tesserocr: pytesseract is itself a subprocess wrapper (it adds a
dependency and writes temporary files), tesserocr binds one C++ ABI and
needs compiling. The CLI reads the image on stdin and writes TSV on stdout,
so nothing touches the disk, ``subprocess.run(timeout=...)`` kills a page
that runs too long (:data:`PAGE_TIMEOUT`), and a crash of Tesseract cannot
take the service down. The Debian packages ``tesseract-ocr``,
``tesseract-ocr-vie`` and ``tesseract-ocr-osd`` provide it (``.ci/run``).

A page goes through:

1. **Colour out** (:func:`clean`): the brightest of the three channels, and
   strongly coloured pixels made white, so that the red seal stamped over the
   signer's name and a blue signature do not hide it (d14: "Nguyễn Tuấn Anh"
   under the seal reads only once the seal is gone). Official documents are
   printed in black (Nghị định 30/2020), so no text is lost.
2. **Deskew** by projection profile (:func:`skew_angle`): a text page turned
   by a small angle has blurred row sums; the angle whose shear gives the
   sharpest profile (largest sum of squared differences between neighbouring
   rows) is the skew, found in 0.1° steps. Tesseract tolerates a small skew
   itself, but the layout step below groups words into lines by their height
   on the page, and 2° over a page width is a whole line of drift.
3. **Recognition**: ``tesseract - - -l vie --psm 3 tsv`` (automatic page
   segmentation; TSV gives every word with its box, line and confidence), one
   process per page with ``OMP_THREAD_LIMIT=1``: pages run side by side on
   :data:`WORKERS` processes instead, as Tesseract's authors advise (its own
   OpenMP threads scale badly).
4. **Orientation** only when the reading looks wrong (mean confidence below
   :data:`RETRY_BELOW`, or almost no words; an upright page reads at 90+, a
   turned one near 40): ``--psm 0`` (OSD) tells whether the page lies at 90,
   180 or 270 degrees; the turned page is deskewed and read again, and the
   better reading kept. Upright pages, nearly all of them, do not pay for OSD.

Limits: :data:`PAGE_TIMEOUT` per page, :data:`OCR_BUDGET` per document and
:data:`MAX_OCR_PAGES` pages (checked by the readers before any page is OCR'd).

:func:`page_paragraphs` then lays the words out as the PDF reader does
(:func:`docparse.readers.pdf.layout_words`): the same lines, column bands
(the header's issuer | Quốc hiệu, the signature's Nơi nhận | signer) and
paragraphs, so the header parser sees an OCR'd page exactly as a text page.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..model import Paragraph

#: Seconds one page may take in Tesseract (all its calls) before it is given up.
PAGE_TIMEOUT = 60.0
#: Seconds the OCR of one document may take: pages not started by then are skipped (and
#: said so). Below the service's 180 s per file (``DOCPARSE_PARSE_TIMEOUT``), so that a
#: slow scan comes back partly read rather than killed with nothing.
OCR_BUDGET = 120.0
#: Pages OCR'd side by side (Tesseract processes with one thread each).
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: Most pages OCR'd in one document: a longer scan is refused before any page is OCR'd
#: (~2.5 s a page on two cores: 40 pages fit in :data:`OCR_BUDGET`).
MAX_OCR_PAGES = 40
#: Resolution a PDF page is rendered at for OCR (Tesseract reads 200-300 dpi text best);
#: a scanned page is rendered at its scan's own resolution when that is lower, but not below
#: :data:`MIN_DPI` (upsampling a 200 dpi scan costs time and gains nothing).
DPI = 300
MIN_DPI = 150
#: A reading whose mean word confidence is below this triggers the orientation check.
RETRY_BELOW = 70.0
#: Skew angles searched by the projection profile, in degrees either way.
MAX_SKEW = 5.0
#: Smaller skews are left to Tesseract, which copes with them: resampling the
#: page blurs the glyphs for nothing, and below 0.8° two header columns 12 cm
#: apart drift less than half a line (the layout step still pairs them).
MIN_SKEW = 0.8

_LANG = "vie"
#: Channel spread (0-255) above which a pixel is coloured ink, not text: see :func:`clean`.
_SATURATED = 25


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese model is not installed."""


@dataclass
class OcrWord:
    """One recognised word; boxes in pixels of the (turned, deskewed) page image."""

    text: str
    conf: float
    x0: int
    top: int
    x1: int
    bottom: int
    #: (block, paragraph, line) numbers Tesseract gave the word's line.
    line: tuple[int, int, int]
    #: Top and bottom of that whole line (a word alone is shorter or taller than its line).
    line_top: int = 0
    line_bottom: int = 0


@dataclass
class OcrPage:
    """What OCR found on one page, and what it cost."""

    page: int
    words: list[OcrWord] = field(default_factory=list)
    width: int = 0
    height: int = 0
    dpi: int = DPI
    #: Degrees the image was turned clockwise to stand upright (0, 90, 180, 270).
    rotation: int = 0
    #: Degrees of skew that were corrected.
    skew: float = 0.0
    seconds: float = 0.0
    #: Why the page gave nothing ("timeout", "error: ..."), else None.
    failure: str | None = None

    @property
    def mean_confidence(self) -> float | None:
        """Mean of Tesseract's word confidences (0-100), weighted by word length."""
        n = sum(len(w.text) for w in self.words)
        if not n:
            return None
        return sum(w.conf * len(w.text) for w in self.words) / n


# ----------------------------------------------------------------- tesseract


@cache
def _languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    return frozenset(ln.strip() for ln in text.splitlines()[1:] if ln.strip())


def available() -> bool:
    """Is Tesseract installed with its Vietnamese model?"""
    return _LANG in _languages()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _png(img: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _tesseract(img: Any, args: Sequence[str], timeout: float) -> str:
    exe = shutil.which("tesseract")
    if not exe:
        raise OcrUnavailable("tesseract not found")
    out = subprocess.run([exe, "-", "-", *args], input=_png(img), capture_output=True, timeout=timeout,
                         env=_env(), check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {out.returncode}")
    return out.stdout.decode("utf-8", "replace")


#: Letters Tesseract's Vietnamese model confuses with Vietnamese ones: the Icelandic eth
#: ("Ð", U+00D0) drawn like "Đ" (U+0110), sometimes both for one letter ("QĐÐ-UBND").
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def _fix(text: str) -> str:
    """Undo the look-alike letters of :data:`_LOOKALIKES` ("ĐÐ" read for one "Đ" becomes one)."""
    if "\u00d0" in text or "\u00f0" in text:
        text = text.replace("\u0110\u00d0", "\u0110").replace("\u00d0\u0110", "\u0110")
        text = text.translate(_LOOKALIKES)
    return text


def recognise(img: Any, dpi: int, timeout: float = PAGE_TIMEOUT) -> list[OcrWord]:
    """Words of ``img`` (a PIL image) read by Tesseract, with confidences and line boxes."""
    tsv = _tesseract(img, ["-l", _LANG, "--psm", "3", "--dpi", str(dpi), "tsv"], timeout)
    words: list[OcrWord] = []
    lines: dict[tuple[int, int, int], tuple[int, int]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        try:
            level = int(cols[0])
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        if level == 4:
            lines[key] = (top, top + height)
        elif level == 5:
            text = _fix(cols[11].strip())
            if text and conf >= 0:
                words.append(OcrWord(text, conf, left, top, left + width, top + height, key))
    for w in words:
        w.line_top, w.line_bottom = lines.get(w.line, (w.top, w.bottom))
    return words


def orientation(img: Any, dpi: int, timeout: float = PAGE_TIMEOUT) -> tuple[int, float]:
    """``(clockwise degrees that make the page upright, OSD confidence)``; ``(0, 0.0)`` if OSD cannot tell."""
    try:
        out = _tesseract(img, ["-l", "osd", "--psm", "0", "--dpi", str(dpi)], timeout)
    except (RuntimeError, subprocess.TimeoutExpired):
        return 0, 0.0  # "Too few characters": nothing to turn
    rotate, conf = 0, 0.0
    for ln in out.splitlines():
        name, _, value = ln.partition(":")
        try:
            if name.strip() == "Rotate":
                rotate = int(value.strip()) % 360
            elif name.strip() == "Orientation confidence":
                conf = float(value.strip())
        except ValueError:
            continue
    return rotate, conf


# ----------------------------------------------------------------- image preparation


def clean(img: Any) -> Any:
    """A grey page with coloured ink turned white: red seals, blue signatures, coloured scan noise.

    Seals are stamped over the signer's name and signatures run across it;
    both are coloured in nearly every signed document while the text is
    black. The grey value is the brightest of the three channels (a red
    seal is bright in red, a blue stroke in blue, black text in none), and a
    strongly saturated pixel goes white altogether.
    """
    from PIL import ImageChops, ImageFilter

    if img.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return img.convert("L")
    r, g, b = img.convert("RGB").split()
    hi = ImageChops.lighter(ImageChops.lighter(r, g), b)
    lo = ImageChops.darker(ImageChops.darker(r, g), b)
    coloured = ImageChops.subtract(hi, lo).point(lambda v: 255 if v > _SATURATED else 0)
    # Grown by a pixel: the pale, barely coloured rim of a stroke would stay as an outline.
    return ImageChops.lighter(hi, coloured.filter(ImageFilter.MaxFilter(3)))


def _ink(img: Any, width: int = 900) -> Any:
    """A small black-is-1 numpy array of ``img`` for the projection profile."""
    import numpy as np

    g = img.convert("L")
    if g.width > width:
        g = g.resize((width, max(1, round(g.height * width / g.width))))
    a = np.asarray(g, dtype=np.uint8)
    threshold = min(160, int(a.mean()) - 30) if a.size else 128
    return a < threshold


def _profile_score(ys: Any, xs: Any, angle: float) -> float:
    """Sharpness of the row profile of the ink pixels ``(ys, xs)`` sheared by ``angle`` degrees.

    A small rotation is, to first order, a shear of each column by
    ``x * tan(angle)``; the sum of squared differences between neighbouring
    row sums peaks when text lines lie flat.
    """
    import numpy as np

    shift = np.round(xs * np.tan(np.radians(angle))).astype(np.int64)
    rows = np.bincount(ys + shift - shift.min())
    d = np.diff(rows.astype(np.float64))
    return float((d * d).sum())


def skew_angle(img: Any, max_angle: float = MAX_SKEW) -> float:
    """Degrees to turn ``img`` counter-clockwise (PIL's sense) so that its text lines lie flat.

    Coarse search in 0.5° steps, then 0.1° around the best; 0.0 for a page
    with too little ink to tell.
    """
    import numpy as np

    ys, xs = np.nonzero(_ink(img))
    if len(ys) < 500:
        return 0.0

    def best(angles: Any) -> float:
        scores = [_profile_score(ys, xs, a) for a in angles]
        return float(angles[int(np.argmax(scores))])

    coarse = best(np.arange(-max_angle, max_angle + 1e-9, 0.5))
    fine = best(np.arange(coarse - 0.4, coarse + 0.4 + 1e-9, 0.1))
    # The shear that flattens the lines measures the tilt; turning back undoes it.
    return round(-fine, 2) + 0.0


def _turn(img: Any, degrees: float) -> Any:
    from PIL import Image

    if not degrees:
        return img
    if degrees % 90 == 0:
        return img.rotate(degrees, expand=True)
    fill = 255 if img.mode == "L" else (255,) * len(img.getbands())
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def _level(img: Any) -> tuple[Any, float]:
    angle = skew_angle(img)
    if abs(angle) < MIN_SKEW:
        return img, 0.0
    return _turn(img, angle), -angle


def _score(words: list[OcrWord]) -> float:
    return sum(w.conf * len(w.text) for w in words)


def ocr_page(img: Any, page: int, dpi: int = DPI, timeout: float = PAGE_TIMEOUT) -> OcrPage:
    """OCR one page image (cleaned, deskewed, turned upright when needed) within ``timeout`` seconds.

    Never raises for a bad page: :attr:`OcrPage.failure` says what went wrong.
    """
    start = time.perf_counter()
    result = OcrPage(page=page, dpi=dpi)

    def left() -> float:
        remaining = timeout - (time.perf_counter() - start)
        if remaining <= 1.0:
            raise subprocess.TimeoutExpired("tesseract", timeout)
        return remaining

    try:
        g = clean(img)
        levelled, skew = _level(g)
        words = recognise(levelled, dpi, left())
        result.words, result.skew, result.width, result.height = words, skew, levelled.width, levelled.height
        conf = result.mean_confidence
        if conf is None or conf < RETRY_BELOW or len(words) < 8:
            rotate, osd_conf = orientation(g, dpi, left())
            if rotate and osd_conf >= 1.0:
                turned, skew2 = _level(_turn(g, -rotate))
                words2 = recognise(turned, dpi, left())
                if _score(words2) > _score(words):
                    result.words, result.skew = words2, skew2
                    result.width, result.height, result.rotation = turned.width, turned.height, rotate
    except subprocess.TimeoutExpired:
        if not result.words:
            result.failure = "timeout"  # the upright reading, if any, is kept
    except OcrUnavailable:
        raise
    except Exception as e:  # noqa: BLE001 - one bad page must not lose the others
        result.failure = f"{type(e).__name__}: {e}"[:200]
    result.seconds = time.perf_counter() - start
    return result


def ocr_images(images: Sequence[tuple[int, int, Callable[[], Any]]], timeout: float = PAGE_TIMEOUT,
               budget: float = OCR_BUDGET) -> list[OcrPage]:
    """OCR ``(page number, dpi, image loader)`` items on :data:`WORKERS` processes, in page order.

    Images are produced by their loaders inside the workers, so a long scan
    never holds every rendered page in memory at once. A page not started
    within ``budget`` seconds is not OCR'd (``failure="budget"``), and no page
    runs past the budget.
    """
    if not available():
        raise OcrUnavailable("tesseract with the 'vie' model is not installed")
    deadline = time.perf_counter() + budget

    def one(item: tuple[int, int, Callable[[], Any]]) -> OcrPage:
        page, dpi, load = item
        remaining = deadline - time.perf_counter()
        if remaining < 2.0:
            return OcrPage(page=page, dpi=dpi, failure="budget")
        return ocr_page(load(), page, dpi, min(timeout, remaining))

    if WORKERS == 1 or len(images) == 1:
        return [one(it) for it in images]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, images))


def failure_warnings(pages: Sequence[OcrPage]) -> list[str]:
    """One line for the pages OCR could not read, by reason."""
    out = []
    reasons = (("budget", "chưa nhận dạng (hết thời gian dành cho OCR)"), ("timeout", "quá thời gian nhận dạng"))
    for key, text in reasons:
        hit = [p.page for p in pages if p.failure == key]
        if hit:
            out.append(f"Trang {pages_text(hit)}: {text}")
    other = [p.page for p in pages if p.failure and p.failure not in ("budget", "timeout")]
    if other:
        out.append(f"Trang {pages_text(other)}: nhận dạng OCR không thành công")
    return out


# ----------------------------------------------------------------- layout and summary


def page_paragraphs(page: OcrPage) -> list[Paragraph]:
    """The page's words as paragraphs and header/signature column bands (see the module docstring).

    Paragraphs are separated by an empty one, the blank line a text export
    puts between paragraphs: the line model joins wrapped lines by their
    words and punctuation only (:func:`docparse.lines.paragraphs`), and
    a scan's only other evidence of a paragraph end, its spacing and indent,
    would otherwise be lost ("... trực tuyến" + "Văn phòng UBND tỉnh ..."
    read as one subject).
    """
    from .pdf import layout_words

    scale = 72.0 / page.dpi
    boxes = []
    for w in page.words:
        top, bottom = w.line_top, w.line_bottom
        boxes.append((w.text, w.x0 * scale, w.x1 * scale, top * scale, bottom * scale,
                      0.8 * (bottom - top) * scale))
    out: list[Paragraph] = []
    for para in layout_words(boxes, page.page):
        if out:
            out.append(Paragraph(text="", page=page.page))
        out.append(para)
    return out


def summary(pages: Sequence[OcrPage], seconds: float | None = None) -> dict[str, Any]:
    """The ``ocr`` record of a document: pages OCR'd, mean confidence, seconds per page.

    ``seconds`` is the wall-clock time of the whole OCR step (rendering
    included, pages run side by side on :data:`WORKERS` processes), so
    ``seconds_per_page`` is what a page costs on this machine; without it,
    the mean time of one page on one worker.
    """
    n = sum(len(w.text) for p in pages for w in p.words)
    mean = sum(w.conf * len(w.text) for p in pages for w in p.words) / n if n else None
    secs = seconds if seconds is not None else sum(p.seconds for p in pages)
    out: dict[str, Any] = {
        "pages": [p.page for p in pages],
        "mean_confidence": round(mean, 1) if mean is not None else None,
        "seconds_per_page": round(secs / len(pages), 2) if pages else None,
    }
    turned = {str(p.page): p.rotation for p in pages if p.rotation}
    if turned:
        out["rotated"] = turned
    skewed = {str(p.page): round(p.skew, 1) for p in pages if abs(p.skew) >= 0.05}
    if skewed:
        out["deskewed"] = skewed
    failed = [p.page for p in pages if p.failure]
    if failed:
        out["failed"] = failed
    return out


def pages_text(pages: Sequence[int]) -> str:
    """``1-3, 5`` for pages 1, 2, 3 and 5."""
    out: list[str] = []
    run: list[int] = []
    for p in sorted(pages):
        if run and p == run[-1] + 1:
            run.append(p)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [p]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def warning(pages: Sequence[OcrPage]) -> str:
    """The line a clerk sees on the upload page for an OCR'd file."""
    s = summary(pages)
    conf = f"; độ tin cậy trung bình {s['mean_confidence']:.0f}%" if s["mean_confidence"] is not None else ""
    return f"Bản quét, đã nhận dạng OCR (trang {pages_text(s['pages'])}{conf})"
