"""TCVN3 (ABC) and VNI text back to Unicode: tables, detection, fonts.

Offices typed in 8-bit Vietnamese encodings until the mid-2000s, and their
files still arrive: a .doc in ``.VnTime``, a .txt exported from it, or the
mojibake pasted into a Unicode file ("QuyÕt ®Þnh" is TCVN3 for "Quyết định",
"Quyeát ñònh" is VNI). The tables are data (``rules/legacy_encodings.yaml``).

Two ways to know that a text is legacy:

* **by font** — a run set in ``.VnTime``/``.VnArialH`` (TCVN3) or
  ``VNI-Times`` (VNI) is converted, whatever it looks like
  (:func:`font_encoding`);
* **by detection** — otherwise (.txt, .doc through antiword, runs without a
  legacy font) the text is converted with each table, and a reading is only
  taken when its share of valid Vietnamese syllables beats the text as it is
  by a margin (:func:`detect`). Measured, not guessed: Unicode Vietnamese
  scores ~1.0 as it is, and TCVN3/VNI mojibake ~0.1 as it is and ~1.0
  converted (``tests/test_legacy_encodings.py`` keeps the figures).

TCVN3 has no toned capitals: typists set capitals in the ``H`` font (whose
lowercase slots draw capitals), so a caps heading exported without its font
reads "QUYếT ĐịNH". :func:`recase_tcvn3` puts such words, lines and names back
in capitals when no font told us.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .rules import load

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_STOP_TONES = frozenset("\u0301\u0323")


# ----------------------------------------------------------------- bytes


@cache
def _cp1252_bytes() -> dict[str, int]:
    """Character -> byte for the Windows-1252 reading of 0x80-0x9F (``€`` -> 0x80)."""
    out: dict[str, int] = {}
    for b in range(0x80, 0xA0):
        try:
            out[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            continue
    return out


def _byte_of(ch: str) -> int | None:
    """The legacy byte a character stands for, or None for a real Unicode character.

    Latin-1 characters are their own byte; Windows-1252 punctuation gives its
    0x80-0x9F byte; symbol-charset fonts store U+F0xx for byte xx.
    """
    o = ord(ch)
    if o < 0x100:
        return o
    if 0xF000 <= o <= 0xF0FF:
        return o - 0xF000
    return _cp1252_bytes().get(ch)


@cache
def _c1_to_cp1252() -> dict[int, str]:
    return {b: ch for ch, b in _cp1252_bytes().items()}


def is_unicode_text(text: str) -> bool:
    """True when ``text`` holds a character no 8-bit encoding can produce ("ố", "ư", "ạ").

    Such text is Unicode whatever font it is set in (an old template's
    ``.VnTime`` Normal style, typed over with a Unicode keyboard), so a
    font alone must not convert it.
    """
    return any(_byte_of(ch) is None for ch in text if not ch.isascii())


def as_bytes_text(data: bytes) -> str:
    """Bytes as the text the tables read: one character per byte, Windows-1252's reading.

    (Latin-1 for the five bytes Windows-1252 leaves undefined.) A byte no
    table maps then stays the punctuation a Windows editor showed.
    """
    return data.decode("latin-1").translate(_c1_to_cp1252())


# ----------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Tables:
    tcvn3: dict[int, str]
    tcvn3_back: dict[str, str]
    vni: dict[str, str]  # legacy sequence (Latin-1 characters) -> letter
    vni_back: dict[str, str]
    vni_first: frozenset[str]
    fonts: dict[str, tuple[str, ...]]
    caps_suffix: str


@cache
def _tables() -> _Tables:
    rules = load("legacy_encodings")
    tcvn3 = {int(k): unicodedata.normalize("NFC", str(v)) for k, v in rules["tcvn3"]["bytes"].items()}
    back = {v: chr(k) for k, v in tcvn3.items()}
    vni_back = {unicodedata.normalize("NFC", str(k)): str(v) for k, v in rules["vni"]["letters"].items()}
    vni: dict[str, str] = {}
    for letter, seq in vni_back.items():
        vni[seq] = letter
    # A mark byte of the other case after a base letter ("Uû" for "Ủ") is read too.
    for letter, seq in vni_back.items():
        if len(seq) == 2:
            for mark in (seq[1].lower(), seq[1].upper()):
                vni.setdefault(seq[0] + mark, letter)
    fonts = {TCVN3: tuple(p.lower() for p in rules["tcvn3"]["font_prefixes"]),
             VNI: tuple(p.lower() for p in rules["vni"]["font_prefixes"])}
    return _Tables(tcvn3=tcvn3, tcvn3_back=back, vni=vni, vni_back=vni_back,
                   vni_first=frozenset(s[0] for s in vni if len(s) == 2),
                   fonts=fonts, caps_suffix=str(rules["tcvn3"].get("caps_font_suffix") or "H"))


# ----------------------------------------------------------------- conversion


def _convert_tcvn3(text: str) -> str:
    table = _tables().tcvn3
    out = []
    for ch in text:
        b = _byte_of(ch)
        out.append(table.get(b, ch) if b is not None and b >= 0x80 else ch)
    return "".join(out)


def _convert_vni(text: str) -> str:
    t = _tables()
    # Read every character as its byte first, so that cp1252 forms match the table.
    chars = [chr(b) if (b := _byte_of(ch)) is not None else ch for ch in text]
    out = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        if ch in t.vni_first and i + 1 < n:
            pair = ch + chars[i + 1]
            if pair in t.vni:
                out.append(t.vni[pair])
                i += 2
                continue
        out.append(t.vni.get(ch, text[i] if ord(ch) >= 0x80 else ch))
        i += 1
    return "".join(out)


def convert(text: str, encoding: str, *, caps: bool = False) -> str:
    """``text`` (legacy characters as read under Windows-1252) in Unicode NFC.

    ``caps``: the text was set in a TCVN3 capitals font (``.VnTimeH``).
    Characters outside the table (ASCII, punctuation) are kept.
    """
    if encoding == TCVN3:
        out = _convert_tcvn3(text)
    elif encoding == VNI:
        out = _convert_vni(text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding}")
    out = unicodedata.normalize("NFC", out)
    return out.upper() if caps else out


# Open pairs whose tone the old style put on the second vowel ("Uỷ ban"):
# with a capital first vowel, that is how TCVN3 typists wrote "Ủy".
_OLD_STYLE = re.compile(r"(?<!\w)([UO])([\u0300\u0301\u0303\u0309\u0323])([yae])(?!\w)")


def encode(text: str, encoding: str, *, errors: str = "strict") -> str:
    """Unicode -> the legacy characters (as Windows-1252 shows them).

    For tests and fixtures: the reverse of :func:`convert`. TCVN3 has no toned
    capitals; with ``errors="strict"`` they raise :class:`ValueError`, with
    ``errors="legacy"`` they are written as a typist without the capitals
    font did: old-style "Uỷ" for "Ủy", else the lowercase letter (which
    :func:`recase_tcvn3` puts back). With ``"legacy"``, characters no table
    has are kept.
    """
    text = unicodedata.normalize("NFC", text)
    t = _tables()
    if encoding == VNI:
        return "".join(t.vni_back.get(ch, ch) for ch in text)
    if encoding != TCVN3:
        raise ValueError(f"unknown legacy encoding: {encoding}")
    if errors == "legacy":
        nfd = _OLD_STYLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), unicodedata.normalize("NFD", text))
        text = unicodedata.normalize("NFC", nfd)
    out = []
    for ch in text:
        b = _byte_of(ch)
        if ch in t.tcvn3_back:
            out.append(t.tcvn3_back[ch])
        elif ch.lower() in t.tcvn3_back:  # a toned capital
            if errors != "legacy":
                raise ValueError(f"{ch!r} has no TCVN3 code")
            out.append(t.tcvn3_back[ch.lower()])
        elif ord(ch) < 0x80 or b is None or b not in t.tcvn3 or errors == "legacy":
            out.append(ch)  # ASCII, punctuation VN3 leaves alone; with "legacy" anything else
        else:
            raise ValueError(f"{ch!r} has no TCVN3 code (its byte is a Vietnamese letter there)")
    return "".join(out)


# ----------------------------------------------------------------- fonts


@lru_cache(maxsize=256)
def font_encoding(font: str | None) -> str | None:
    """``"tcvn3"``, ``"vni"`` or None for a font name (``.VnTime``, ``VNI-Times``, ``Arial``)."""
    if not font:
        return None
    name = font.strip().lower()
    for enc, prefixes in _tables().fonts.items():
        if name.startswith(prefixes):
            return enc
    return None


@lru_cache(maxsize=256)
def font_is_caps(font: str | None) -> bool:
    """True for a TCVN3 capitals font (``.VnTimeH``, ``.VnArialH``)."""
    return font_encoding(font) == TCVN3 and (font or "").strip().endswith(_tables().caps_suffix)


def convert_by_font(text: str, font: str | None) -> str | None:
    """``text`` converted when ``font`` is a legacy font, else None."""
    enc = font_encoding(font)
    if enc is None:
        return None
    return convert(text, enc, caps=font_is_caps(font))


# ----------------------------------------------------------------- syllables


@cache
def _syllable_re() -> re.Pattern[str]:
    rules = load("legacy_encodings")["syllables"]
    onsets = sorted(rules["onsets"], key=len, reverse=True)
    rhymes = sorted(str(rules["rhymes"]).split(), key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(onsets)})?(?:{'|'.join(rhymes)})")


@cache
def _stop_codas() -> tuple[str, ...]:
    return tuple(load("legacy_encodings")["syllables"]["stop_codas"])


_EDGE = "\"'“”‘’()[]{}«».,;:!?…-–—/\\*|<>0123456789%&#@+=_~`^"


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable (any case, NFC or not).

    Onset + rhyme from the rules, at most one tone, and the stop rhymes
    (-c, -ch, -p, -t) only with the acute or the dot below.
    """
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if not _syllable_re().fullmatch(bare):
        return False
    return not (tones and tones[0] not in _STOP_TONES and bare.endswith(_stop_codas()))


def syllable_share(text: str) -> tuple[float, int]:
    """(share of valid syllables, number of words) over the words with a non-ASCII character.

    ASCII words read the same in every encoding, so only the others tell
    encodings apart. A word with a symbol inside ("®Þnh") is invalid.
    """
    valid = n = 0
    for raw in text.split():
        word = raw.strip(_EDGE)
        if not word or word.isascii():
            continue
        n += 1
        if is_syllable(word):
            valid += 1
    return (valid / n if n else 1.0), n


# ----------------------------------------------------------------- detection


@dataclass(frozen=True)
class Detection:
    """The reading a text was given: its encoding and the scores that decided it."""

    encoding: str | None  # None: the text as it is
    share: float  # valid-syllable share of the chosen reading
    share_as_is: float
    words: int


def detect(text: str, *, as_is: str | None = None, hint: str | None = None) -> Detection:
    """Decide whether ``text`` (legacy characters) is TCVN3, VNI or neither.

    ``as_is`` is how the text reads without conversion when that differs
    from ``text`` (a .txt decoded as Windows-1258 while ``text`` is its
    Latin-1 reading). ``hint`` (an encoding the document's font table
    names) is tried first and wins ties. Thresholds are in the rules.
    """
    cfg = load("legacy_encodings")["detection"]
    base = as_is if as_is is not None else text
    share0, n0 = syllable_share(base)
    best = Detection(None, share0, share0, n0)
    order = ((hint,) if hint in ENCODINGS else ()) + tuple(e for e in ENCODINGS if e != hint)
    for enc in order:
        converted = convert(text, enc)
        if converted == base:
            continue
        share, n = syllable_share(converted)
        if n < int(cfg["min_words"]) or share < float(cfg["min_share"]):
            continue
        if share - share0 < float(cfg["min_gain"]):
            continue
        if best.encoding is None or share > best.share:
            best = Detection(enc, share, share0, n)
    return best


def better(converted: str, original: str) -> str:
    """``converted`` when it reads better than ``original`` (valid-syllable share), else ``original``.

    A document found to be legacy may still hold Unicode paragraphs (a header
    retyped later); converting those would damage them, so a paragraph keeps
    its conversion only when that raises its share.
    """
    if converted == original:
        return original
    after, n_after = syllable_share(converted)
    before, _ = syllable_share(original)
    return converted if n_after and after > before + 1e-9 else original


def convert_if_better(text: str, encoding: str) -> str:
    """:func:`convert` (and :func:`recase_tcvn3`) for one paragraph, kept only when :func:`better`."""
    converted = convert(text, encoding)
    if encoding == TCVN3:
        converted = recase_tcvn3(converted)
    return better(converted, text)


def detect_document(texts: list[str], *, hint: str | None = None) -> Detection:
    """The legacy encoding of a document's paragraphs, decided on those that do not read as Vietnamese.

    Only the "suspect" paragraphs (share below ``min_share`` as they are)
    count: a Unicode document with one pasted TCVN3 paragraph is decided on
    that paragraph, not drowned by the Unicode ones. Each suspect is read
    the best of three ways (as is, TCVN3, VNI), so a document assembled from
    a TCVN3 and a VNI source is still decided; the thresholds then apply to
    all suspects together, so that OCR noise, where a table happens to mend
    a word here and there ("quéc" -> "quộc"), stays below them (measured on
    seed 003: its suspect lines read 0.30 as they are, 0.35 at best).
    """
    cfg = load("legacy_encodings")["detection"]
    min_share = float(cfg["min_share"])
    words = valid0 = valid = 0.0
    gains: dict[str, float] = {}
    size = 0
    for t in texts:
        if size >= _DETECT_CHARS or t.isascii():
            continue
        share0, n = syllable_share(t)
        if share0 >= min_share:
            continue
        size += len(t)
        best, best_enc = share0, None
        for enc in ((hint,) if hint in ENCODINGS else ()) + tuple(e for e in ENCODINGS if e != hint):
            share, _ = syllable_share(convert(t, enc))
            if share > best:
                best, best_enc = share, enc
        words += n
        valid0 += share0 * n
        valid += best * n
        if best_enc is not None:
            gains[best_enc] = gains.get(best_enc, 0.0) + (best - share0) * n
    if not gains or words < int(cfg["min_words"]):
        return Detection(None, 1.0, 1.0, int(words))
    share, share0 = valid / words, valid0 / words
    if share < min_share or share - share0 < float(cfg["min_gain"]):
        return Detection(None, share0, share0, int(words))
    return Detection(max(gains, key=lambda e: gains[e]), share, share0, int(words))


def convert_paragraph(text: str, encoding: str) -> str:
    """One paragraph of a document detected as ``encoding``.

    A paragraph long enough to be decided on its own may be in the other
    legacy encoding (a document assembled from two offices); the conversion
    is kept only when it reads better (:func:`better`).
    """
    if text.isascii():
        return text
    own = detect(text).encoding
    return convert_if_better(text, own or encoding)


#: Characters scored to decide a document (enough for a verdict, bounded for big files).
_DETECT_CHARS = 200_000


_LABELS = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}


def label(encoding: str) -> str:
    """The encoding's name for a clerk ("TCVN3 (ABC)", "VNI")."""
    return _LABELS.get(encoding, encoding)


# ----------------------------------------------------------------- TCVN3 capitals

_WORD = re.compile(r"[^\W\d_]+")
# A line that is only a name: capitalised words and spaces ("Hoàng Xuân ánh").
_NAME_LINE = re.compile(r"\s*[^\W\d_]+(?: [^\W\d_]+)+\s*")
# Letters VN3 writes as capitals: a typist had no reason to leave them lowercase.
_HAS_VN3_CAPITAL = frozenset("ăâêôơưđ")


def _is_artefact(word: str) -> bool:
    """A caps word typed in the H font and read without it: "QUYếT", "ĐịNH", "ủY"."""
    if any(c.isascii() and c.islower() for c in word):
        return False
    has_low_vi = any(c.islower() and not c.isascii() for c in word)
    return has_low_vi and any(c.isupper() for c in word[1:])


def recase_tcvn3(text: str) -> str:
    """Put back the capitals that TCVN3 without its H font lost, line by line.

    * a word mixing capitals with lowercase toned letters ("QUYếT") is caps;
    * a line with such a word and no lowercase ASCII letter is all caps
      ("CộNG HòA Xã HộI" -> "CỘNG HÒA XÃ HỘI");
    * in a line that is only capitalised words (a name: "Hoàng Xuân ánh"),
      the one word that starts with a lowercase toned vowel gets its capital.
    """
    if text.isascii():
        return text
    return "\n".join(_recase_line(line) for line in text.split("\n"))


def _recase_line(line: str) -> str:
    words = _WORD.findall(line)
    if not words:
        return line
    artefacts = [w for w in words if _is_artefact(w)]
    if artefacts and not any(c.isascii() and c.islower() for w in words for c in w):
        return line.upper()
    if artefacts:
        line = _WORD.sub(lambda m: m.group(0).upper() if _is_artefact(m.group(0)) else m.group(0), line)
        words = _WORD.findall(line)
    if 2 <= len(words) <= 5 and _NAME_LINE.fullmatch(line):
        low = [w for w in words if not w[0].isupper()]
        others_title = all(w[1:].islower() for w in words if w[0].isupper())
        if len(low) == 1 and others_title and low[0][0] not in _HAS_VN3_CAPITAL and not low[0][0].isascii():
            target = low[0]
            return _WORD.sub(lambda m: target[0].upper() + target[1:] if m.group(0) == target else m.group(0),
                             line)
    return line


# ----------------------------------------------------------------- runs of a paragraph


@dataclass
class Runs:
    """A paragraph's text as runs: converted by their font, or left for detection.

    Readers that know run fonts (.rtf, .odt) add each piece of text with its
    font; consecutive pieces in the same encoding are converted together
    (an RTF writes "e" and the VNI mark byte "á" as two tokens, and a TCVN3
    capitals font upper-cases the ASCII letters too). After the document is
    read, :func:`assign_encodings` gives the text without a legacy font the
    detected encoding, and :meth:`text` applies it where it reads better.
    """

    #: (text, encoding of its font or None, capitals font)
    parts: list[tuple[str, str | None, bool]] = field(default_factory=list)
    encoding: str | None = None
    by_font: set[str] = field(default_factory=set)

    def add(self, text: str, font: str | None = None) -> None:
        if not text:
            return
        enc = font_encoding(font)
        if enc is not None and is_unicode_text(text):
            enc = None
        caps = enc is not None and font_is_caps(font)
        if enc is not None and not text.isascii():
            self.by_font.add(enc)
        if self.parts and self.parts[-1][1:] == (enc, caps):
            self.parts[-1] = (self.parts[-1][0] + text, enc, caps)
        else:
            self.parts.append((text, enc, caps))

    def plain(self) -> str:
        """The text of the runs without a legacy font (what detection looks at)."""
        return "".join(t for t, enc, _ in self.parts if enc is None)

    def _join(self, detected: str | None) -> str:
        out = []
        for t, enc, caps in self.parts:
            if enc is not None:
                out.append(convert(t, enc, caps=caps))
            elif detected is not None:
                out.append(convert(t, detected))
            else:
                out.append(t)
        return unicodedata.normalize("NFC", "".join(out))

    def text(self) -> str:
        raw = self._join(None)
        if self.encoding is None:
            return raw
        conv = self._join(self.encoding)
        if self.encoding == TCVN3:
            conv = recase_tcvn3(conv)
        return better(conv, raw)


def assign_encodings(paragraphs: list[Runs]) -> str | None:
    """Detect the encoding of the text no font converted; set it on each paragraph that has such text.

    Returns the document's encoding (None: nothing to convert). A paragraph
    long enough to be decided on its own keeps its own verdict.
    """
    found = detect_document([r.plain() for r in paragraphs])
    if found.encoding is None:
        return None
    for r in paragraphs:
        plain = r.plain()
        if not plain.isascii():
            r.encoding = detect(plain).encoding or found.encoding
    return found.encoding
