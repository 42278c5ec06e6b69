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
