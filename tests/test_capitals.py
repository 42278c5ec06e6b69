"""A value printed in capitals, respelled from the document's own lower-case mentions (OCR slips)."""

from __future__ import annotations

import pytest

from docparse.header.capitals import respell_capitals
from docparse.lines import lines_from_text


@pytest.mark.parametrize(("value", "body", "expected"), [
    # a stacked mark misread on capitals; the body's running text has the phrase right
    ("TRIỂN KHAI THỰỤC HIỆN ĐỀ ÁN SỐ HÓA", "Các đơn vị triển khai thực hiện đề án này.",
     "TRIỂN KHAI THỰC HIỆN ĐỀ ÁN SỐ HÓA"),
    ("GIAI ĐOẠN 2022-2025, TÂM NHÌN ĐẾN NĂM 2030", "Đề án giai đoạn 2022-2025, tầm nhìn đến năm 2030.",
     "GIAI ĐOẠN 2022-2025, TẦM NHÌN ĐẾN NĂM 2030"),
    # another document, another word: "VỤC" is a syllable, but the body prints "lưu vực sông"
    ("VỀ VIỆC BẢO VỆ MÔI TRƯỜNG LƯU VỤC SÔNG CẦU", "Bảo vệ môi trường lưu vực sông Cầu là nhiệm vụ chung.",
     "VỀ VIỆC BẢO VỆ MÔI TRƯỜNG LƯU VỰC SÔNG CẦU"),
    # the mark between two words
    ("DỮ LIỆU VỀ DÂN CƯ; ĐỊNH DANH ĐIỆN TỬ", "Ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử.",
     "DỮ LIỆU VỀ DÂN CƯ, ĐỊNH DANH ĐIỆN TỬ"),
    # nothing to go on: other neighbours, or the value's spelling is printed too, or not in capitals
    ("TÂM LÝ HỌC ĐƯỜNG", "Tầm nhìn đến năm 2030.", "TÂM LÝ HỌC ĐƯỜNG"),
    ("ĐẦU TƯ CÔNG TRUNG HẠN", "Vốn đầu tư công trung hạn; vốn đầu tư cống trung hạn.", "ĐẦU TƯ CÔNG TRUNG HẠN"),
    ("Triển khai thựục hiện đề án", "Các đơn vị triển khai thực hiện đề án.", "Triển khai thựục hiện đề án"),
    # the capitals lines themselves never vote (an OCR'd title repeated in capitals)
    ("TRIỂN KHAI THỰỤC HIỆN", "KẾ HOẠCH\nTRIỂN KHAI THỤC HIỆN QUYẾT ĐỊNH", "TRIỂN KHAI THỰỤC HIỆN"),
])
def test_respell_capitals(value: str, body: str, expected: str) -> None:
    assert respell_capitals(value, lines_from_text(body)) == expected


def test_a_scanned_subject_in_lower_case_needs_two_mentions_besides_itself() -> None:
    body = lines_from_text("Triển khai Cơ sở dữ liệu hộ tịch diện tư, đăng ký hộ tịch trực tuyến\n"
                           "Xây dựng Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch.\n"
                           "Vận hành Cơ sở dữ liệu hộ tịch điện tử, đăng ký khai sinh.\n")
    value = "Triển khai Cơ sở dữ liệu hộ tịch diện tư, đăng ký hộ tịch trực tuyến"
    assert respell_capitals(value, body, scanned=True) == (
        "Triển khai Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến")
    assert respell_capitals(value, body) == value  # not a scan: a lower-case value is as printed
    assert respell_capitals(value, body[:2], scanned=True) == value  # one mention is not enough
