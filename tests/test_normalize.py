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


@pytest.mark.parametrize("text", ["Uỷ ban nhân dân", "hoà bình, khoẻ mạnh", "Ủy ban, hòa, quý, hoặc", "thuỷ lợi"])
def test_tone_shortcut_examples(text):
    from docparse.normalize import fix_tone_placement

    assert fix_tone_placement(text) == _tone_reference(text)


def test_tone_shortcut_answers_as_the_full_rule():
    """The composed-text pre-check only skips lines the rule would leave as they are (random and decomposed text)."""
    import unicodedata

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from docparse.normalize import fix_tone_placement

    alphabet = "oOuUaAeEyYqQh \u0300\u0301\u0303\u0309\u0323\u0302\u0306àáảãạÒỷỳýèéẻôă"

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
    @given(st.text(alphabet="aAbBđĐƯư 1_.,中ǅ", max_size=60), st.integers(1, 3))
    def check(text: str, least: int) -> None:
        assert is_upper_line(text, least) == reference(text, least)

    check()
