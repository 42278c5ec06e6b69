"""Tone placement: old style moves to new style, and nothing else moves."""

import pytest

from docparse.normalize import fold, normalize_text


@pytest.mark.parametrize(("text", "expected"), [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("hoà giải", "hòa giải"),
    ("khoẻ mạnh", "khỏe mạnh"),
    ("thuỷ lợi", "thủy lợi"),
    ("quý IV", "quý IV"),  # qu + y: consonant + vowel
    ("hoặc", "hoặc"),  # ă carries the tone: not an open "oa"
    ("hoằng", "hoằng"),
    ("Kế hoạch", "Kế hoạch"),  # closed syllable
    ("khuyến khích", "khuyến khích"),
])
def test_tone_placement(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_fold_keeps_length() -> None:
    s = normalize_text("Cục Hộ tịch, quốc tịch, chứng thực – Bộ Tư pháp")
    assert len(fold(s)) == len(s)


def _tone_reference(text: str) -> str:
    """fix_tone_placement without its shortcut: decompose, move, compose."""
    import unicodedata

    from docparse import normalize as n

    nfd = unicodedata.normalize("NFD", text)
    if not any(t in nfd for t in n._TONES):
        return text
    return unicodedata.normalize("NFC", n._OLD_TONE.sub(n._move_tone, nfd))


@pytest.mark.parametrize("text", ["Uỷ ban nhân dân", "hoà bình, khoẻ mạnh", "Ủy ban, hòa, quý, hoặc", "thuỷ lợi",
                                  "Kế hoạch, toán, hoá.", "HOÀ_1, thuỵ"])
def test_tone_shortcut_examples(text):
    from docparse.normalize import fix_tone_placement

    assert fix_tone_placement(text) == _tone_reference(text)


def test_tone_shortcut_answers_as_the_full_rule():
    """The composed-text pre-check only skips lines the rule would leave as they are (random and decomposed text)."""
    import unicodedata

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from docparse.normalize import fix_tone_placement

    # "c", "n", "1", "_", "," and the combining hook: what may follow a toned vowel (a coda, a digit, a mark)
    alphabet = "oOuUaAeEyYqQhcn1_, \u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031bàáảãạÒỷỳýèéẻôă"

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=14))
    def check(text: str) -> None:
        for t in (text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)):
            assert fix_tone_placement(t) == _tone_reference(t)

    check()


@pytest.mark.parametrize(("text", "expected"), [
    ("KẾ HOẠCH", True), ("ỦY BAN nhân dân tỉnh", False), ("BỘ TƯ PHÁP\tSố: 12/QĐ-BTP", True),
    ("Sở Tư pháp chủ trì, phối hợp với các đơn vị " * 20, False), ("12/2024", False),
])
def test_upper_line_examples(text, expected):
    from docparse.normalize import is_upper_line

    assert is_upper_line(text) is expected


def test_upper_line_answers_as_counting_every_letter():
    """The first-fifth shortcut only refuses lines that counting every letter refuses."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from docparse.normalize import is_upper_line

    letter = re.compile(r"[^\W\d_]")

    def reference(text: str, least: int) -> bool:
        letters = letter.findall(text)
        return len(letters) >= least and sum(c.isupper() for c in letters) / len(letters) >= 0.85

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet="aAbBđĐƯư 1_.,中ǅ²", max_size=200), st.integers(1, 3))
    def check(text: str, least: int) -> None:
        assert is_upper_line(text, least) == reference(text, least)

    check()


def test_fold_answers_as_folding_each_character():
    """The string table folds every code point as the per-character rule does (past its end: unchanged)."""
    import unicodedata

    from docparse.normalize import _fold_char

    def reference(ch: str) -> str:
        c = ord(ch)
        if "A" <= ch <= "Z":
            return ch.lower()
        return _fold_char(ch) if 0xC0 <= c < 0x250 or 0x1E00 <= c < 0x1F00 else ch

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert fold(every) == "".join(map(reference, every))
    assert fold("Đồng Tháp ἀ 中 Ω") == "dong thap ἀ 中 Ω"
    assert unicodedata.normalize("NFC", fold("Ủy ban")) == "uy ban"


@pytest.mark.parametrize("text", ["  Sở\u00a0Tư \t pháp\n", "\u2003a\u3000b\x1cc  ", "", " \u200b "])
def test_collapse_ws_is_the_regex_rule(text: str) -> None:
    import re

    from docparse.normalize import collapse_ws

    assert collapse_ws(text) == re.sub(r"\s+", " ", text).strip()


def test_normalize_text_skips_only_what_translate_leaves_alone():
    import unicodedata

    from docparse import normalize as n

    for c in range(0x3100):
        ch = chr(c)
        if 0xD800 <= c < 0xE000:
            continue
        assert n.normalize_text("x" + ch) == n.fix_tone_placement(
            unicodedata.normalize("NFC", "x" + ch).translate(n._TRANSLATE))
