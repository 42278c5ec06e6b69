"""Search of the registry: words without diacritics, numbers in any spelling, filters, paging, snippets.

One registry is built per module from the real seeds (corpus/seeds) plus a
few small documents written for the cases the seeds lack (a Nghị định to
look up by number, "hồ tích" beside "hộ tịch", HTML in a body). Tests that
change documents use their own small registry.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from docparse.registry import search as search_module
from docparse.registry.corrections import correct
from docparse.registry.db import open_db
from docparse.registry.ingest import ingest_bytes, ingest_paths, reparse
from docparse.registry.search import COUNT_CAP, MAX_LIMIT, SearchError, ensure_index, search
from docparse.registry.store import delete_document

SEEDS = sorted((Path(__file__).resolve().parent.parent / "corpus" / "seeds").glob("*.txt"))

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"

#: Synthetic documents: file name -> text.
DOCS = {
    "qd12.txt": (
        "BỘ TƯ PHÁP\n" + HEADER + "Số: 12/QĐ-BTP\nHà Nội, ngày 05 tháng 3 năm 2019\nQUYẾT ĐỊNH\n"
        "Về việc kiểm tra công tác hộ tịch năm 2019\nBỘ TRƯỞNG BỘ TƯ PHÁP\nCăn cứ Luật Hộ tịch năm 2014;\n"
        "QUYẾT ĐỊNH:\nĐiều 1. Kiểm tra việc đăng ký hộ tịch tại các địa phương.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"),
    "tb45.txt": (
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\n" + HEADER + "Số: 45/TB-UBND\nLâm Đồng, ngày 10 tháng 6 năm 2021\n"
        "THÔNG BÁO\nVề việc bảo vệ hồ tích nước phục vụ tưới tiêu\n"
        "Ủy ban nhân dân tỉnh thông báo việc nạo vét hồ tích nước tại các huyện.\n"
        "Ghi chú: <b>thủy lợi</b> & tưới tiêu.\n"),
    "nd87.txt": (
        "CHÍNH PHỦ\n" + HEADER + "Số: 87/2020/NĐ-CP\nHà Nội, ngày 28 tháng 7 năm 2020\nNGHỊ ĐỊNH\n"
        "Quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến\n"
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n"
        "Chính phủ ban hành Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử.\n"),
    # "hộ tịch" once, deep in a long body: still above "hồ tích" all over 45/TB-UBND
    "cv77.txt": (
        "SỞ TƯ PHÁP TỈNH LÂM ĐỒNG\n" + HEADER + "Số: 77/STP-VP\nLâm Đồng, ngày 02 tháng 8 năm 2021\n"
        "V/v báo cáo công tác văn thư\nKính gửi: Các phòng thuộc Sở.\n"
        + "Các phòng rà soát hồ sơ lưu trữ, sắp xếp tài liệu theo đúng quy định về văn thư.\n" * 40
        + "Riêng phòng Hành chính tư pháp báo cáo thêm số liệu hộ tịch.\n"),
    # both spellings side by side: a snippet marks the one typed
    "bc88.txt": (
        "SỞ NỘI VỤ TỈNH HÀ GIANG\n" + HEADER + "Số: 88/BC-SNV\nHà Giang, ngày 15 tháng 4 năm 2018\nBÁO CÁO\n"
        "Kết quả kiểm kê tài sản năm 2018\nKính gửi: Ủy ban nhân dân tỉnh.\n"
        "Kiểm kê hồ tích nước của Sở; lưu trữ sổ hộ tịch cũ tại kho.\n"),
    # signed with the day left blank: dated "2020-10"
    "cv31.txt": (
        "SỞ XÂY DỰNG TỈNH YÊN BÁI\n" + HEADER + "Số: 31/SXD-QLN\nYên Bái, ngày      tháng 10 năm 2020\n"
        "V/v rà soát quỹ nhà ở công vụ\nKính gửi: Các phòng thuộc Sở.\n"
        "Đề nghị các phòng rà soát quỹ nhà ở công vụ và báo cáo Sở.\n"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    reg = open_db(tmp_path_factory.mktemp("search") / "registry.db")
    results = ingest_paths(reg, SEEDS)
    results += [ingest_bytes(reg, text.encode("utf-8"), name) for name, text in DOCS.items()]
    assert [r.status for r in results] == ["created"] * len(results), [r.error for r in results]
    return reg


def by_number(db: sqlite_utils.Database, number: str) -> int:
    return next(r["id"] for r in db.query("SELECT id FROM documents WHERE number = ? AND duplicate_of IS NULL",
                                          [number]))


def numbers(res: dict[str, Any]) -> list[str | None]:
    return [r["number"] for r in res["results"]]


def ids(res: dict[str, Any]) -> list[int]:
    return [r["id"] for r in res["results"]]


# ----------------------------------------------------------------- words


@pytest.mark.parametrize(("q", "expected"), [
    ("ho tich", "12/QĐ-BTP"),  # no diacritics finds "hộ tịch"
    ("Dang ky ho tich truc tuyen", "87/2020/NĐ-CP"),  # "Đ" found by "D"
    ("dang ky", "12/QĐ-BTP"),
    ("HỘ TỊCH", "87/2020/NĐ-CP"),  # case aside
    ("hồ tích", "45/TB-UBND"),  # the only document printing it
    ("tưới tiêu", "45/TB-UBND"),
    ('"nạo vét"', "45/TB-UBND"),  # a quoted phrase
])
def test_words_find_documents(db: sqlite_utils.Database, q: str, expected: str) -> None:
    res = search(db, q, limit=100)
    assert res["kind"] == "text"
    assert expected in numbers(res)
    assert res["total"] == len(res["results"])


@pytest.mark.parametrize(("q", "first"), [
    ("hồ tích", "45/TB-UBND"),
    ("ho tich nuoc", "45/TB-UBND"),
    ("kiểm tra công tác hộ tịch", "12/QĐ-BTP"),
    ("Nghị định quy định về cơ sở dữ liệu hộ tịch điện tử", "87/2020/NĐ-CP"),
])
def test_best_match_first(db: sqlite_utils.Database, q: str, first: str) -> None:
    assert numbers(search(db, q))[0] == first


def test_exact_diacritics_rank_above_folded_only(db: sqlite_utils.Database) -> None:
    """"hộ tịch" typed with its marks: every document printing it comes before "hồ tích" (same fold)."""
    res = search(db, "hộ tịch", limit=100)
    order = ids(res)
    folded_only = by_number(db, "45/TB-UBND")
    assert folded_only in order  # found through the fold...
    exact = {r["id"] for r in db.query("SELECT id FROM documents WHERE subject LIKE '%hộ tịch%' "
                                       "OR body LIKE '%hộ tịch%' OR body LIKE '%Hộ tịch%'")}
    assert exact
    assert all(order.index(i) < order.index(folded_only) for i in exact)  # ...but after them
    # and the other way round: "hồ tích" ranks its one printer above every "hộ tịch"
    assert ids(search(db, "hồ tích"))[0] == folded_only


def _letter(k: int, subject: str, body: str) -> bytes:
    return ("SỞ TƯ PHÁP TỈNH LÂM ĐỒNG\n" + HEADER + f"Số: {k}/STP-VP\nLâm Đồng, ngày 02 tháng 8 năm 2022\n"
            f"V/v {subject}\nKính gửi: Các phòng thuộc Sở.\n{body}\n").encode("utf-8")


def test_exact_diacritics_outweigh_folded_repetition(tmp_path: Path) -> None:
    """Once in a long body, "hộ tịch" outranks "hồ tích" in a subject and twenty times in a body.

    A registry where the words are rare (idf counts), unlike the seeds, where
    nearly every document prints "hộ tịch".
    """
    reg = open_db(tmp_path / "idf.db")
    filler = "Các phòng rà soát hồ sơ lưu trữ, sắp xếp tài liệu theo đúng quy định về văn thư.\n"
    for k in range(1, 13):
        assert ingest_bytes(reg, _letter(k, f"báo cáo văn thư đợt {k}", filler * 3), f"{k}.txt").status == "created"
    ingest_bytes(reg, _letter(100, "bảo vệ hồ tích nước", "Nạo vét hồ tích nước.\n" * 20), "100.txt")
    ingest_bytes(reg, _letter(101, "báo cáo văn thư", filler * 40 + "Thêm số liệu hộ tịch.\n"), "101.txt")
    assert numbers(search(reg, "hộ tịch")) == ["101/STP-VP", "100/STP-VP"]
    assert numbers(search(reg, "hồ tích")) == ["100/STP-VP", "101/STP-VP"]


def test_words_without_marks_do_not_favour_ocr_text(db: sqlite_utils.Database) -> None:
    """Typed without marks, "ho tich" ranks on the fold alone: the OCR seed (003) is not put first."""
    ocr = {r["id"] for r in db.query("SELECT id FROM documents WHERE body LIKE '%PHIEU CHUYEN%'")}
    assert ids(search(db, "ho tich"))[0] not in ocr


# --------------------------------------------------------------- numbers


@pytest.mark.parametrize(("q", "expected"), [
    ("2168/QĐ-BTP", "2168/QĐ-BTP"),
    ("2168/qd-btp", "2168/QĐ-BTP"),
    ("2168/QD-BTP", "2168/QĐ-BTP"),
    ("2168 / QĐ - BTP", "2168/QĐ-BTP"),
    ("QĐ 2168", "2168/QĐ-BTP"),
    ("qd 2168", "2168/QĐ-BTP"),
    ("Quyết định số 2168", "2168/QĐ-BTP"),
    ("quyet dinh 2168", "2168/QĐ-BTP"),
    ("số 2168", "2168/QĐ-BTP"),
    ("2168/QĐ", "2168/QĐ-BTP"),
    ("87/2020/NĐ-CP", "87/2020/NĐ-CP"),
    ("87/2020/ND-CP", "87/2020/NĐ-CP"),
    ("87/2020/nd-cp", "87/2020/NĐ-CP"),
    ("NĐ 87", "87/2020/NĐ-CP"),
    ("Nghị định 87", "87/2020/NĐ-CP"),
    ("87/2020", "87/2020/NĐ-CP"),
    ("KH 3510", "3510/KH-UBND"),
    ("3510/kh-ubnd", "3510/KH-UBND"),
    ("Số: 148/QĐ-BTP.", "148/QĐ-BTP"),
    ("12/QĐ-BTP", "12/QĐ-BTP"),
    ("Công văn số 77", "77/STP-VP"),  # a công văn's symbol has no type abbreviation: its type says
])
def test_number_in_any_spelling_goes_to_the_document(db: sqlite_utils.Database, q: str, expected: str) -> None:
    res = search(db, q)
    assert res["kind"] == "number"
    assert numbers(res) == [expected]
    assert res["total"] == 1


def test_number_with_duplicates_lists_the_original_first(db: sqlite_utils.Database) -> None:
    """Seeds 000 and 003 are the same phiếu chuyển (printed and scanned): both, original first."""
    res = search(db, "7049/pc-vp")
    assert res["kind"] == "number" and res["total"] == 2
    dup = {r["id"]: r["duplicate_of"] for r in db.query("SELECT id, duplicate_of FROM documents "
                                                        "WHERE number_key = '7049/PC-VP'")}
    assert dup[ids(res)[0]] is None and dup[ids(res)[1]] == ids(res)[0]


def test_number_not_registered_falls_back_to_the_documents_citing_it(db: sqlite_utils.Database) -> None:
    res = search(db, "2173/QĐ-BTP")  # cited by seed 001 (3510/KH-UBND), not in the registry
    assert res["kind"] == "text"
    assert "3510/KH-UBND" in numbers(res)


def test_type_and_sequence_need_the_type(db: sqlite_utils.Database) -> None:
    """"KH 2168" is no document (2168 is a QĐ): a word search, not the Quyết định."""
    res = search(db, "KH 2168")
    assert res["kind"] == "text"


# --------------------------------------------------------------- filters


def test_browse_newest_first(db: sqlite_utils.Database) -> None:
    res = search(db, "", limit=100)
    assert res["kind"] == "browse"
    assert res["total"] == db.execute("SELECT count(*) FROM documents").fetchone()[0]
    dates = [r["date"] for r in res["results"]]
    assert dates == sorted(dates, key=lambda d: d or "", reverse=True)
    assert search(db, None)["kind"] == "browse"
    assert search(db, "   ")["kind"] == "browse"


@pytest.mark.parametrize(("q", "filters", "expected"), [
    ("", {"doc_type": "Nghị định"}, {"87/2020/NĐ-CP"}),
    ("", {"doc_type": "Quyết định", "year": 2019}, {"12/QĐ-BTP"}),
    ("", {"issuer": "UBND tỉnh Cao Bằng"}, {"3510/KH-UBND"}),
    ("", {"issuer": "lam dong"}, {"45/TB-UBND", "77/STP-VP"}),
    ("", {"issuer": "Chính phủ"}, {"87/2020/NĐ-CP"}),
    ("", {"year": 2019}, {"3510/KH-UBND", "12/QĐ-BTP"}),
    ("", {"year": "2019"}, {"3510/KH-UBND", "12/QĐ-BTP"}),
    ("", {"date_from": "2019-03-01", "date_to": "2019-03-31"}, {"12/QĐ-BTP"}),
    ("", {"date_from": "2021-04", "date_to": "2021"}, {"45/TB-UBND", "77/STP-VP"}),
    ("hộ tịch", {"year": 2019}, {"3510/KH-UBND", "12/QĐ-BTP"}),
    ("ho tich", {"doc_type": "Nghị định"}, {"87/2020/NĐ-CP"}),
    ("ho tich", {"issuer": "Bộ Tư pháp", "year": 2019}, {"12/QĐ-BTP"}),
    ("2168/QĐ-BTP", {"issuer": "Bộ Tư pháp"}, {"2168/QĐ-BTP"}),
])
def test_filters(db: sqlite_utils.Database, q: str, filters: dict[str, Any], expected: set[str]) -> None:
    res = search(db, q, limit=100, **filters)
    assert set(numbers(res)) == expected
    assert res["total"] == len(res["results"])


@pytest.mark.parametrize(("issuer", "expected"), [
    # a whole issuer's name (as picked from a list): that issuer only
    ("Bộ Tư pháp", {"Bộ Tư pháp"}),
    ("bo tu phap", {"Bộ Tư pháp"}),
    ("UBND tỉnh Cao Bằng", {"Ủy ban nhân dân tỉnh Cao Bằng"}),
    # other text: the issuers with these words in their name
    ("tư pháp", {"Bộ Tư pháp", "Sở Tư pháp tỉnh Lâm Đồng"}),
    ("Lâm Đồng", {"Ủy ban nhân dân tỉnh Lâm Đồng", "Sở Tư pháp tỉnh Lâm Đồng"}),
    ("ủy ban nhân dân", {"Ủy ban nhân dân tỉnh Cao Bằng", "Ủy ban nhân dân tỉnh Bình Định",
                         "Ủy ban nhân dân tỉnh Lâm Đồng", "Văn phòng Ủy ban nhân dân tỉnh Kiên Giang"}),
    ("phá", set()),  # not a word of any issuer
    ("%", set()),
])
def test_issuer_filter(db: sqlite_utils.Database, issuer: str, expected: set[str]) -> None:
    res = search(db, "", issuer=issuer, limit=100)
    assert {r["issuer"] for r in res["results"]} == expected


def test_date_range_keeps_partial_dates_that_overlap(db: sqlite_utils.Database) -> None:
    """"2020-10" (a day left blank) may be after 2020-10-27; 2168/QĐ-BTP of 2020-10-26 is not."""
    res = search(db, "", date_from="2020-10-27", date_to="2021-03", limit=100)
    dates = {r["date"] for r in res["results"]}
    assert "2020-10" in dates and "2021-03" in dates and "2020-11-09" in dates
    assert "2020-10-26" not in dates and "2021-06-10" not in dates
    assert all(d and "2020-10" <= d <= "2021-03~" for d in dates)


@pytest.mark.parametrize(("unit", "expected"), [
    ("Sở Tư pháp", {"3510/KH-UBND"}),  # + the Bình Định plan, which has no number
    ("UBND cấp huyện", set()),  # abbreviation expanded: only the unnumbered Bình Định plan
    ("Cục Hộ tịch, quốc tịch, chứng thực", set()),  # tasks of the Bộ Tư pháp plans (unnumbered)
])
def test_unit_filter(db: sqlite_utils.Database, unit: str, expected: set[str]) -> None:
    from docparse.tasks.unit_lists import canonical_unit

    key = canonical_unit(unit)
    want = {r["document_id"] for r in db.query(
        "SELECT t.document_id FROM tasks t JOIN task_units u ON u.task_id = t.id WHERE u.unit = ? "
        "UNION SELECT document_id FROM responsibilities WHERE unit = ?", [key, key])}
    res = search(db, "", unit=unit, limit=100)
    assert want and set(ids(res)) == want
    assert expected <= set(numbers(res))
    assert set(ids(search(db, "dữ liệu", unit=unit, limit=100))) <= want


@pytest.mark.parametrize("filters", [{"date_from": "26/10/2020"}, {"date_to": "2020-1"}, {"year": "năm"}])
def test_bad_filter_values_raise_search_error(db: sqlite_utils.Database, filters: dict[str, Any]) -> None:
    with pytest.raises(SearchError):
        search(db, "hộ tịch", **filters)


def test_blank_filters_are_ignored(db: sqlite_utils.Database) -> None:
    blank = search(db, "hộ tịch", doc_type="", issuer=" ", year="", date_from="", date_to=None, unit="")
    assert ids(blank) == ids(search(db, "hộ tịch"))


# ------------------------------------------ common words (ranking in tiers)


@pytest.fixture
def common_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every word counts as common, as "thực hiện" does among a million documents."""
    monkeypatch.setattr(search_module, "RARE_DF", 0)


@pytest.mark.parametrize(("q", "first"), [
    ("hồ tích", "45/TB-UBND"),  # the one document printing it, ahead of every "hộ tịch"
    ("kiểm tra công tác hộ tịch", "12/QĐ-BTP"),  # all words as typed, in the subject
    ("hồ sơ lưu trữ", "77/STP-VP"),  # the words together, as a phrase
])
def test_common_words_rank_in_tiers(db: sqlite_utils.Database, common_words: None, q: str, first: str) -> None:
    res = search(db, q)
    assert res["kind"] == "text" and numbers(res)[0] == first


def test_common_words_exact_diacritics_first(db: sqlite_utils.Database, common_words: None) -> None:
    order = ids(search(db, "hộ tịch", limit=100))
    folded_only = by_number(db, "45/TB-UBND")
    assert order[-1] == folded_only
    assert set(order) == set(ids(search(db, "ho tich", limit=100)))


def test_common_words_rank_the_newest_window(db: sqlite_utils.Database, common_words: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond COUNT_CAP matches, the newest COUNT_CAP are ranked and total says COUNT_CAP."""
    matches = ids(search(db, "ho tich", limit=100))
    assert len(matches) > 3
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    res = search(db, "ho tich", limit=100)
    assert res["total"] == 3
    assert sorted(ids(res)) == sorted(matches)[-3:]
    pages = [ids(search(db, "ho tich", limit=1, offset=k)) for k in range(4)]
    assert [p for page in pages for p in page] == ids(res)


# ---------------------------------------------------------------- paging


def test_paging(db: sqlite_utils.Database) -> None:
    everything = search(db, "hộ tịch", limit=100)
    assert everything["total"] > 4
    pages = [search(db, "hộ tịch", limit=2, offset=k) for k in range(0, everything["total"], 2)]
    assert all(p["total"] == everything["total"] for p in pages)
    assert [i for p in pages for i in ids(p)] == ids(everything)
    assert search(db, "hộ tịch", limit=2, offset=everything["total"])["results"] == []


@pytest.mark.parametrize(("limit", "offset", "size"), [(0, 0, 1), (-3, 0, 1), (10_000, 0, None), (5, -7, 5)])
def test_paging_is_clamped(db: sqlite_utils.Database, limit: int, offset: int, size: int | None) -> None:
    res = search(db, "", limit=limit, offset=offset)
    n = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert len(res["results"]) == (size or min(n, MAX_LIMIT))
    assert res["total"] == n <= COUNT_CAP


# --------------------------------------------------------------- snippets


def test_result_shape(db: sqlite_utils.Database) -> None:
    for q in ("hộ tịch", "2168/QĐ-BTP", ""):
        res = search(db, q, limit=3)
        assert set(res) == {"total", "results", "kind"}
        for r in res["results"]:
            assert set(r) == {"id", "number", "doc_type", "issuer", "date", "subject", "snippet"}
    r = search(db, "87/2020/NĐ-CP")["results"][0]
    assert (r["doc_type"], r["issuer"], r["date"]) == ("Nghị định", "Chính phủ", "2020-07-28")
    assert r["snippet"].startswith("Quy định về Cơ sở dữ liệu")  # no hits to mark: the subject


@pytest.mark.parametrize(("q", "number", "marked"), [
    ("ho tich", "12/QĐ-BTP", "<mark>hộ tịch</mark>"),  # the original marks, found through the fold
    ("Dang ky", "87/2020/NĐ-CP", "<mark>đăng ký</mark>"),
    ("ho tich nuoc", "45/TB-UBND", "<mark>hồ tích nước</mark>"),
    ('"kiem tra"', "12/QĐ-BTP", "<mark>kiểm tra</mark>"),
    ("thuy loi", "45/TB-UBND", "&lt;b&gt;<mark>thủy lợi</mark>&lt;/b&gt; &amp; tưới tiêu"),  # escaped
    ("hộ tịch", "88/BC-SNV", "Kiểm kê hồ tích nước của Sở; lưu trữ sổ <mark>hộ tịch</mark> cũ"),  # as typed
    ("hồ tích", "88/BC-SNV", "Kiểm kê <mark>hồ tích</mark> nước của Sở; lưu trữ sổ hộ tịch cũ"),
    ("ho tich", "88/BC-SNV", "<mark>hồ tích</mark> nước của Sở; lưu trữ sổ <mark>hộ tịch</mark>"),  # both folds
    ("hộ tịch", "45/TB-UBND", "<mark>hồ tích</mark> nước"),  # found through the fold only: the fold marks
])
def test_snippet_marks_hits_in_the_original_spelling(db: sqlite_utils.Database, q: str, number: str,
                                                     marked: str) -> None:
    res = search(db, q, limit=100)
    snippet = next(r["snippet"] for r in res["results"] if r["number"] == number)
    assert marked in snippet
    assert "<b>" not in snippet and "\n" not in snippet


def test_snippet_of_a_long_body_is_short_and_around_the_hits(db: sqlite_utils.Database) -> None:
    res = search(db, "trung tâm lý lịch tư pháp quốc gia", limit=100)
    assert res["results"]
    for r in res["results"]:
        text = r["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert len(text) <= 260
        assert "<mark>" in r["snippet"]


# ------------------------------------------------------ malformed queries


@pytest.mark.parametrize("q", [
    '"unbalanced', 'hộ "tịch', '""', '"" ""', "AND", "NOT OR", "hộ AND", "OR tịch", "*", "hộ*", "^hộ",
    "a:b", "subject:hộ", "{subject}: x", "(((", ")))", "NEAR(", "NEAR(hộ tịch, 2)", "hộ + tịch", "-tịch",
    "'; DROP TABLE documents; --", "", " ", "\x00", "\ud800", "😀", "x" * 1000, "hộ tịch " * 200,
    "2168/", "/QĐ-BTP", "QĐ", "số", "số:", "99999999/QĐ-BTP", "Quyết định số", "%", "_", "\\",
])
def test_malformed_queries_never_raise(db: sqlite_utils.Database, q: str) -> None:
    res = search(db, q)
    assert isinstance(res["total"], int) and isinstance(res["results"], list)
    assert res["kind"] in {"text", "number", "browse"}
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] > 0


@pytest.mark.parametrize(("q", "found"), [
    ('hộ "tịch', True),  # the stray quote is ignored
    ("NOT OR", False),  # operators are words, and no document has them
    ("hộ AND tịch", False),  # "and" is a word too
    ("NEAR(hộ tịch, 2)", False),
    ("subject:hộ", False),  # "subject" is a word, not a column
])
def test_operators_are_plain_words(db: sqlite_utils.Database, q: str, found: bool) -> None:
    assert bool(search(db, q)["results"]) == found


# ------------------------------------------------------ index maintenance


@pytest.fixture
def small(tmp_path: Path) -> sqlite_utils.Database:
    reg = open_db(tmp_path / "small.db")
    for name in ("qd12.txt", "tb45.txt"):
        assert ingest_bytes(reg, DOCS[name].encode("utf-8"), name).status == "created"
    return reg


def _integrity(db: sqlite_utils.Database) -> None:
    db.conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 0)")


def test_correction_reindexes(small: sqlite_utils.Database) -> None:
    doc = by_number(small, "12/QĐ-BTP")
    correct(small, doc, {"subject": "Thanh tra công tác chứng thực"}, "tester")
    assert ids(search(small, "chung thuc")) == [doc]
    assert ids(search(small, "thanh tra")) == [doc]
    assert ids(search(small, "hồ tích"))[0] == by_number(small, "45/TB-UBND")
    _integrity(small)


def test_delete_and_reparse_keep_the_index_in_step(small: sqlite_utils.Database) -> None:
    before = {q: ids(search(small, q)) for q in ("hộ tịch", "ho tich", "nạo vét")}
    summary = reparse(small)
    assert summary.files == 2
    assert {q: ids(search(small, q)) for q in before} == before
    _integrity(small)
    doc = by_number(small, "45/TB-UBND")
    with small.conn:
        delete_document(small, doc)
    assert search(small, "nạo vét")["total"] == 0
    assert search(small, "ho tich")["total"] == 1
    _integrity(small)


def test_ensure_index_rebuilds_an_older_layout(small: sqlite_utils.Database) -> None:
    """The placeholder's two-column table is replaced and filled from the documents."""
    with small.conn:
        small.conn.execute("DROP TABLE documents_fts")
        small.conn.execute("DROP TABLE documents_fts_text")
        small.conn.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(subject, body)")
    ensure_index(small)
    assert not small.conn.in_transaction
    assert set(numbers(search(small, "ho tich"))) == {"12/QĐ-BTP", "45/TB-UBND"}
    ensure_index(small)  # a second call finds the layout right and does nothing
    assert small.execute("SELECT count(*) FROM documents_fts_text").fetchone()[0] == 2
    _integrity(small)


# --------------------------------------- filtered words: the two plans


#: Issuers of the mixed registry: the first is rare (every 40th document), the others share the rest.
MIXED_ISSUERS = [("SỞ TƯ PHÁP TỈNH LÂM ĐỒNG", "STP", "Lâm Đồng"), ("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG", "UBND", "Cao Bằng"),
                 ("SỞ NỘI VỤ TỈNH HÀ GIANG", "SNV", "Hà Giang"), ("BỘ TƯ PHÁP", "BTP", "Hà Nội"),
                 ("SỞ XÂY DỰNG TỈNH YÊN BÁI", "SXD", "Yên Bái")]
#: Subjects and sentences: one spelling or another of the same words, in and out of order.
MIXED_PHRASES = ["đăng ký hộ tịch", "dang ky ho tich", "hồ tích nước", "kiểm tra công tác hộ tịch",
                 "cơ sở dữ liệu hộ tịch", "tịch thu hộ kinh doanh", "cải cách hành chính", "thực hiện kế hoạch",
                 "báo cáo kết quả", "lưu trữ hồ sơ"]
MIXED_FILLER = "Các phòng rà soát, sắp xếp tài liệu theo đúng quy định về văn thư.\n"


def _mixed_document(k: int, rng: random.Random) -> bytes:
    issuer, symbol, place = MIXED_ISSUERS[0] if k % 40 == 0 else rng.choice(MIXED_ISSUERS[1:])
    subject = " và ".join(rng.sample(MIXED_PHRASES, rng.choice((1, 1, 2))))
    body = "".join(rng.choice((MIXED_FILLER, f"Đề nghị {rng.choice(MIXED_PHRASES)} tại địa phương.\n",
                               f"Về {rng.choice(MIXED_PHRASES)}, {rng.choice(MIXED_PHRASES)}.\n"))
                   for _ in range(rng.randint(1, 5)))
    date = f"{place}, ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12):02d} năm {rng.choice((2019, 2020, 2020, 2021, 2022))}\n"
    if k % 2:
        text = (f"{issuer}\n{HEADER}Số: {k}/QĐ-{symbol}\n{date}QUYẾT ĐỊNH\nVề việc {subject}\n"
                f"Căn cứ Luật Hộ tịch năm 2014;\nQUYẾT ĐỊNH:\nĐiều 1. {body}"
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n")
    else:
        text = f"{issuer}\n{HEADER}Số: {k}/{symbol}-VP\n{date}V/v {subject}\nKính gửi: Các phòng thuộc Sở.\n{body}"
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    """120 documents, through the real ingest: the same words spelt with and without marks, in subjects
    and bodies, together and apart, over five issuers (one rare), two types and four years."""
    reg = open_db(tmp_path_factory.mktemp("mixed") / "registry.db")
    rng = random.Random(7)
    results = [ingest_bytes(reg, _mixed_document(k, rng), f"{k}.txt") for k in range(1, 121)]
    assert [r.status for r in results] == ["created"] * 120, [r.error for r in results]
    return reg


def _by_definition(db: sqlite_utils.Database, q: str, filters: dict[str, Any]) -> tuple[list[int], int]:
    """Common words as :func:`search` defines them, computed the plain way: the newest COUNT_CAP filtered
    documents with every word, sorted by tier (every tier read whole), newest first within a tier; and
    their number."""
    conn = db.conn
    units = search_module._parse_query(search_module._clean_query(q))

    def matching(expr: str) -> set[int]:
        return {r[0] for r in conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", [expr])}

    where = search_module._filters(conn, filters.get("doc_type"), filters.get("issuer"), filters.get("year"),
                                   None, None, None)
    selected = {r[0] for r in conn.execute(f"SELECT d.id FROM documents d WHERE {where.sql}", where.params)}
    words = matching(" AND ".join(search_module._on_fold(u.tokens) for u in units))
    window = sorted(words & selected, reverse=True)[:search_module.COUNT_CAP]
    tiers = [matching(t) for t in search_module._tiers(units)]
    return sorted(window, key=lambda i: ([i not in t for t in tiers], -i)), len(window)


MIXED_QUERIES = ["hộ tịch", "ho tich", "đăng ký hộ tịch", "kiểm tra công tác", '"cơ sở dữ liệu"', "tịch hộ",
                 "hồ tích nước", "báo cáo kết quả", "văn thư"]
MIXED_FILTERS: list[dict[str, Any]] = [
    {}, {"year": 2020}, {"year": 2022}, {"issuer": "Sở Tư pháp tỉnh Lâm Đồng"}, {"issuer": "Bộ Tư pháp", "year": 2019},
    {"doc_type": "Quyết định"}]
MIXED_PAGES = [(20, 0), (3, 0), (3, 4), (5, 17)]


@pytest.mark.parametrize("knobs", [
    {},
    {"PROBE_DOCS": 1},  # every class small enough to look its ids up
    {"PROBE_DOCS": 1, "PROBE_SPAN": 0},  # ... and looked up by rowid, never read from a walk
    {"PROBE_DOCS": 10**9},  # never: newest ids first, else whole tiers
    {"PROBE_DOCS": 10**9, "TOP_SPAN": 1000, "TOP_REACH": 1, "TOP_REACH_MOST": 1},  # newest ids, far
    {"LAZY_ROWS": 0},  # every page a deep one: the whole window sorted
    {"COUNT_CAP": 7},  # a window smaller than the matches
])
@pytest.mark.parametrize("plan", ["words", "filter"])
def test_filtered_plans_give_the_same_pages(mixed: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch,
                                            plan: str, knobs: dict[str, int]) -> None:
    """Both plans, whatever road the tier sort takes, give the page the definition gives: ids, order, total."""
    monkeypatch.setattr(search_module, "RARE_DF", 0)  # common words: the tiers, where the plans differ
    monkeypatch.setattr(search_module, "_plan", lambda conn, where, matches: plan)
    for name, value in knobs.items():
        monkeypatch.setattr(search_module, name, value)
    checked = 0
    for q in MIXED_QUERIES:
        for filters in MIXED_FILTERS:
            order, total = _by_definition(mixed, q, filters)
            for limit, offset in MIXED_PAGES:
                res = search(mixed, q, limit=limit, offset=offset, **filters)
                assert res["kind"] == "text"
                assert (ids(res), res["total"]) == (order[offset:offset + limit], total), (q, filters, limit, offset)
                checked += bool(res["results"])
    assert checked > len(MIXED_QUERIES) * len(MIXED_FILTERS) * 2  # most pages hold results


def test_a_rare_filter_takes_the_selective_plan(mixed: sqlite_utils.Database,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A filter far narrower than the words looks the words up in its documents (FTS5 rowid look-ups);
    a broad one walks the words' matches. Each look-up costs as much as walking PROBE_DOCS matches: at
    this registry's size, walking them all costs less than any look-up, until PROBE_DOCS is scaled down."""
    monkeypatch.setattr(search_module, "RARE_DF", 0)
    chosen: list[str] = []
    real = search_module._plan
    monkeypatch.setattr(search_module, "_plan", lambda *a: chosen.append(real(*a)) or chosen[-1])
    statements: list[str] = []

    def run(**filters: Any) -> tuple[str, str, dict[str, Any]]:
        chosen.clear()
        statements.clear()
        mixed.conn.set_trace_callback(statements.append)
        try:
            res = search(mixed, "hộ tịch", **filters)
        finally:
            mixed.conn.set_trace_callback(None)
        window = next(s for s in statements if f"ORDER BY documents_fts.rowid DESC LIMIT {COUNT_CAP}" in s)
        plan = " ".join(r[3] for r in mixed.conn.execute("EXPLAIN QUERY PLAN " + window))
        return chosen[-1], plan, res

    rare = {"issuer": "Sở Tư pháp tỉnh Lâm Đồng"}
    assert mixed.execute("SELECT count(*) FROM documents WHERE issuer = ?", [rare["issuer"]]).fetchone()[0] == 3
    chosen_plan, query_plan, walked = run(**rare)
    assert chosen_plan == "words" and "VIRTUAL TABLE INDEX" in query_plan and ":=" not in query_plan
    monkeypatch.setattr(search_module, "PROBE_DOCS", 10)
    chosen_plan, query_plan, looked_up = run(**rare)
    assert chosen_plan == "filter" and ":=" in query_plan  # FTS5 given the rowids (its index string "=...")
    assert looked_up == walked and looked_up["total"] >= 2
    chosen_plan, query_plan, _ = run(year=2020)  # 50 documents: too many to look up
    assert chosen_plan == "words" and ":=" not in query_plan
