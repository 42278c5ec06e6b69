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
