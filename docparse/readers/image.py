"""Image reader: a photographed or scanned page (PNG, JPEG, TIFF — multi-page too), OCR'd.

Pillow opens the image (it ships with pdfplumber); every frame of a TIFF is
a page. The pages go through :mod:`.ocr` like the scanned pages of a PDF, so
an uploaded photo of a decision gives the same blocks, header columns and
``ocr`` record as the same decision scanned to PDF.

Resolution: Tesseract needs to know it to judge text sizes. The file's own
DPI is used when it is plausible (72 dpi is what many tools write when they
know nothing); otherwise it is estimated from the page width, taking the page
for A4 (210 mm wide, 297 mm in landscape), the size of nearly every
administrative document.
"""

from __future__ import annotations

import io
import threading
import time
from typing import Any

from ..model import SourceDocument

#: Pixels larger than this (a 600 dpi A3 scan is ~70 Mpx) are refused: decompression bombs.
MAX_PIXELS = 80_000_000
#: Images finer than this are scaled down to :data:`.ocr.DPI` (300) before OCR.
_MAX_DPI = 400
_A4_WIDTH_IN = 210 / 25.4
_A4_HEIGHT_IN = 297 / 25.4


def _dpi(img: Any) -> int:
    info = img.info.get("dpi")
    try:
        x = float(info[0]) if info else 0.0
    except (TypeError, ValueError, IndexError):
        x = 0.0
    if 100 <= x <= 1200:
        return round(x)
    width_in = _A4_WIDTH_IN if img.height >= img.width else _A4_HEIGHT_IN
    return max(70, min(600, round(img.width / width_in)))


def read_image(data: bytes, *, max_pages: int = 500, max_ocr_pages: int | None = None) -> SourceDocument:
    """OCR the pages of an image file; :class:`ReadError` when it cannot be read or OCR is missing."""
    from PIL import Image, UnidentifiedImageError

    from . import ReadError, ocr

    try:
        img = Image.open(io.BytesIO(data))
        n_frames = int(getattr(img, "n_frames", 1) or 1)  # a TIFF's frames are counted by seeking them all
    except Image.DecompressionBombError as e:
        raise ReadError("Ảnh quá lớn để nhận dạng", detail=str(e)) from e
    except (UnidentifiedImageError, Exception) as e:  # noqa: BLE001 - Pillow raises TypeError, KeyError... on damage
        raise ReadError("Tệp ảnh bị hỏng hoặc không đọc được", detail=f"{type(e).__name__}: {e}") from e
    if n_frames > max_pages:
        raise ReadError(f"Văn bản quá dài ({n_frames} trang; giới hạn {max_pages} trang)")
    cap = ocr.MAX_OCR_PAGES if max_ocr_pages is None else max_ocr_pages
    if n_frames > cap:
        raise ReadError(f"Bản quét quá dài để nhận dạng OCR ({n_frames} trang; giới hạn {cap} trang)")
    if img.width * img.height > MAX_PIXELS:
        raise ReadError("Ảnh quá lớn để nhận dạng", detail=f"{img.width}x{img.height}")
    if not ocr.available():
        raise ReadError("Tệp ảnh cần nhận dạng OCR nhưng máy chủ chưa cài Tesseract (tiếng Việt)")

    dpi = _dpi(img)  # TIFF frames share the first frame's resolution as a rule
    # A 48-megapixel phone photo is a ~700 dpi page: Tesseract reads it as well, and much faster, at 300.
    scale = ocr.DPI / dpi if dpi > _MAX_DPI else 1.0
    lock = threading.Lock()  # one decoder, seeked frame by frame: one worker at a time
    lost: list[int] = []

    def loader(k: int):  # type: ignore[no-untyped-def]
        def load():  # type: ignore[no-untyped-def]
            with lock:
                try:
                    img.seek(k - 1)
                    frame = _upright(img)
                    if scale < 1.0:
                        frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))))
                    return frame
                except Exception:  # noqa: BLE001 - a damaged frame: the others are still read
                    lost.append(k)
                    return Image.new("L", (8, 8), 255)

        return load

    start = time.perf_counter()
    pages = ocr.ocr_images([(k, round(dpi * scale), loader(k)) for k in range(1, n_frames + 1)])
    seconds = time.perf_counter() - start
    blocks = [b for p in pages for b in ocr.page_paragraphs(p)]
    if not any(b.text for b in blocks):
        if lost:
            raise ReadError("Tệp ảnh bị hỏng hoặc không đọc được", detail=f"frames {lost}")
        raise ReadError("Không nhận dạng được chữ nào trong ảnh (OCR)")
    warnings = [ocr.warning(pages), *ocr.failure_warnings(pages)]
    if lost:
        warnings.append(f"Tệp ảnh bị hỏng: không đọc được trang {ocr.pages_text(lost)}")
    return SourceDocument(blocks=blocks, format="image", pages=n_frames, warnings=warnings,
                          ocr=ocr.summary(pages, seconds))


def _upright(frame: Any) -> Any:
    """The current frame as an RGB or grey image: EXIF orientation applied, transparency on white."""
    from PIL import Image, ImageOps

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        out = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        out.alpha_composite(rgba)
        frame = out.convert("RGB")
    elif frame.mode not in ("1", "L", "RGB"):
        frame = frame.convert("RGB")
    # Phones store a portrait photo sideways with an orientation flag.
    return ImageOps.exif_transpose(frame)
