"""Unit tests of the scorer (``docparse.evaluate``) on small hand-made dicts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from docparse import evaluate as ev
from docparse.evaluate import (
    FLOORS,
    Counts,
    default_corpus_dir,
    format_report,
    label_date_to_iso,
    normalise,
    pair_documents,
    pick_document,
    run_eval,
    score_file,
    score_label,
    similarity,
)

CORPUS = default_corpus_dir()
GOLD_FILES = sorted((CORPUS / "gold").glob("*.json"))


def _doc(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "doc_type": "Quyết định",
        "number": "12/QĐ-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Bình Định",
        "place": "Bình Định",
        "date": "2021-03-05",
        "subject": "Ban hành Kế hoạch triển khai thực hiện Nghị định số 87/2020/NĐ-CP",
        "signer": {"name": "Nguyễn Tự Công Hoàng", "title": "Phó Chủ tịch", "mode": "KT", "for": "Chủ tịch"},
        "recipients": ["Như Điều 3", "Bộ Tư pháp (để báo cáo)", "Các sở, ban, ngành tỉnh"],
        "attached_to": None,
        "references": [
            {"doc_type": "Nghị định", "number": "87/2020/NĐ-CP", "date": "2020-07-28",
             "issuer": "Chính phủ", "relation": "basis"},
            {"doc_type": "Luật", "number": None, "title": "Luật Hộ tịch", "year": 2014,
             "date": None, "issuer": None, "relation": "basis"},
        ],
        "tasks": [
            {"no": "1", "title": "Ban hành Kế hoạch triển khai thực hiện Nghị định số 87/2020/NĐ-CP",
             "lead": ["Ủy ban nhân dân cấp huyện"], "support": ["Các cơ quan, đơn vị có liên quan"],
             "product": "Kế hoạch", "deadline": {"text": "Quý I năm 2021", "kind": "quarter",
                                                 "start": "2021-01-01", "due": "2021-03-31"},
             "funding": None},
        ],
        "responsibilities": [{"unit": "Sở Tư pháp", "text": "Chủ trì ..."}],
    }
    d.update(over)
    return d


def _file(*docs: dict[str, Any]) -> dict[str, Any]:
    return {"file": "x.txt", "documents": list(docs)}


def _counts(sc: ev.Scorer, name: str) -> tuple[int, int, int]:
    c = sc.counts.get(name, Counts())
    return c.tp, c.fp, c.fn


# ---------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    "a, b",
    [
        ("UBND tỉnh Bình Định", "Ủy ban nhân dân tỉnh Bình Định"),
        ("Uỷ ban nhân dân tỉnh Bình Định", "Ủy ban nhân dân tỉnh Bình Định"),
        ("UỶ BAN NHÂN DÂN TỈNH BÌNH ĐỊNH", "Ủy ban nhân dân tỉnh Bình Định"),
        ("Sở Tư pháp;", "Sở Tư pháp"),
        ("Bộ  Tư\npháp.", "Bộ Tư pháp"),
        ("Cục Hộ tịch,  quốc tịch, chứng thực ;", "cục hộ tịch, quốc tịch, chứng thực"),
        ("Ho\u0300a Bi\u0300nh", "Hòa Bình"),  # decomposed → NFC
        ("Khánh Hoà", "Khánh Hòa"),  # old-style tone placement
        ("CT, các PCT. UBND tỉnh", "CT, các PCT. Ủy ban nhân dân tỉnh"),
    ],
)
def test_normalise_equal(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Bộ Tư pháp", "Bộ Tài chính"),
        ("Hòa Bình", "Hoa Binh"),  # diacritics are not folded
        ("QUBND", "Q Ủy ban nhân dân"),  # UBND only as a word
    ],
)
def test_normalise_different(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_normalise_none_and_case() -> None:
    assert normalise(None) == ""
    assert normalise("  Phó Chủ Tịch. ") == "phó chủ tịch"


@pytest.mark.parametrize(
    "a, b, matches",
    [
        ("Ủy ban nhân dân các huyện, thành phố", "UBND các huyện, thành phố", True),
        ("Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương (để thực hiện)",
         "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương (để thực hiện", True),
        ("Cổng thông tin điện tử Bộ Tư pháp (để đăng tải)", "Cổng thông tin điện tử Bộ Tư pháp (đăng tải)", True),
        ("Bộ Tư pháp", "Bộ Tài chính", False),
        ("Văn phòng Chính phủ", "Văn phòng Bộ", False),
    ],
)
def test_similarity_threshold(a: str, b: str, matches: bool) -> None:
    assert (similarity(a, b) >= ev.SIMILARITY) is matches


@pytest.mark.parametrize(
    "label, iso",
    [
        ("20/11/2025", "2025-11-20"),
        ("02/12/2025", "2025-12-02"),
        ("2/6/2026", "2026-06-02"),
        ("06/2026", "2026-06"),
        ("2021", "2021"),
        ("2026-06", "2026-06"),
        ("2026-01-17", "2026-01-17"),
        (None, None),
        ("", None),
    ],
)
def test_label_date_to_iso(label: str | None, iso: str | None) -> None:
    assert label_date_to_iso(label) == iso


def test_label_date_impossible_raises() -> None:
    with pytest.raises(ValueError):
        label_date_to_iso("31/02/2025")


# ---------------------------------------------------------------- counts


def test_counts_conventions() -> None:
    assert Counts().f1 == 1.0  # nothing to find, nothing found
    c = Counts(tp=0, fp=0, fn=3)
    assert (c.precision, c.recall, c.f1) == (1.0, 0.0, 0.0)
    c = Counts(tp=3, fp=1, fn=1, tn=2, compared=6)
    assert c.precision == 0.75 and c.recall == 0.75 and c.f1 == 0.75
    assert c.accuracy == pytest.approx(5 / 6)
    assert Counts(tp=2).accuracy is None


# ---------------------------------------------------------------- one document

# (case, predicted overrides, gold overrides, field, (tp, fp, fn))
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, tuple[int, int, int]]] = [
    ("perfect date", {}, {}, "date", (1, 0, 0)),
    ("wrong date is fp+fn", {"date": "2021-03-06"}, {}, "date", (0, 1, 1)),
    ("partial date is not the full date", {"date": "2021-03"}, {}, "date", (0, 1, 1)),
    ("missing date is fn", {"date": None}, {}, "date", (0, 0, 1)),
    ("date where gold is null is fp", {"date": "2021-03-05"}, {"date": None}, "date", (0, 1, 0)),
    ("null vs null is neither", {"date": None}, {"date": None}, "date", (0, 0, 0)),
    ("empty string is null", {"place": ""}, {"place": None}, "place", (0, 0, 0)),
    ("number is exact", {"number": "12/QĐ-UBND "}, {}, "number", (1, 0, 0)),
    ("number with inner space is wrong", {"number": "12 /QĐ-UBND"}, {}, "number", (0, 1, 1)),
    ("UBND expansion in issuer", {"issuer": "UBND tỉnh Bình Định"}, {}, "issuer", (1, 0, 0)),
    ("Uỷ = Ủy", {"issuer": "Uỷ ban nhân dân tỉnh Bình Định"}, {}, "issuer", (1, 0, 0)),
    ("issuer case", {"issuer": "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"}, {}, "issuer", (1, 0, 0)),
    ("doc_type trailing dot", {"doc_type": "Quyết định."}, {}, "doc_type", (1, 0, 0)),
    ("subject must be equal", {"subject": "Ban hành Kế hoạch triển khai thực hiện Nghị định 87/2020/NĐ-CP"},
     {}, "subject", (0, 1, 1)),
    ("subject.similar tolerates a near miss",
     {"subject": "Ban hành Kế hoạch triển khai thực hiện Nghị định 87/2020/NĐ-CP"}, {}, "subject.similar", (1, 0, 0)),
    ("missing recipient lowers recall", {"recipients": ["Như Điều 3", "Bộ Tư pháp (để báo cáo)"]}, {},
     "recipients", (2, 0, 1)),
    ("extra recipient lowers precision",
     {"recipients": ["Như Điều 3", "Bộ Tư pháp (để báo cáo)", "Các sở, ban, ngành tỉnh", "Lưu: VT"]}, {},
     "recipients", (3, 1, 0)),
    ("recipient at 90% similarity matches",
     {"recipients": ["Như Điều 3;", "Bộ Tư pháp (để báo cáo", "Các sở, ban, ngành  tỉnh."]}, {},
     "recipients", (3, 0, 0)),
    ("recipient below 90% does not match",
     {"recipients": ["Như Điều 3", "Bộ Tư pháp", "Các sở, ban, ngành tỉnh"]}, {}, "recipients", (2, 1, 1)),
    ("recipients match one-to-one",
     {"recipients": ["Như Điều 3", "Như Điều 3", "Bộ Tư pháp (để báo cáo)", "Các sở, ban, ngành tỉnh"]}, {},
     "recipients", (3, 1, 0)),
    ("signer whole", {}, {}, "signer", (1, 0, 0)),
    ("signer mode wrong", {"signer": {"name": "Nguyễn Tự Công Hoàng", "title": "Phó Chủ tịch",
                                      "mode": "TM", "for": "Chủ tịch"}}, {}, "signer", (0, 1, 1)),
    ("signer mode wrong: mode", {"signer": {"name": "Nguyễn Tự Công Hoàng", "title": "Phó Chủ tịch",
                                            "mode": "TM", "for": "Chủ tịch"}}, {}, "signer.mode", (0, 1, 1)),
    ("signer mode wrong: name ok", {"signer": {"name": "Nguyễn Tự Công Hoàng", "title": "Phó Chủ tịch",
                                               "mode": "TM", "for": "Chủ tịch"}}, {}, "signer.name", (1, 0, 0)),
    ("signer missing", {"signer": None}, {}, "signer", (0, 0, 1)),
    ("signer missing: title", {"signer": None}, {}, "signer.title", (0, 0, 1)),
    ("all-null signer is null", {"signer": {"name": None, "title": None, "mode": None, "for": None}},
     {"signer": None}, "signer", (0, 0, 0)),
    ("signer without name (OCR gold)", {"signer": {"name": None, "title": "CHÁNH VĂN PHÒNG"}},
     {"signer": {"name": None, "title": "Chánh Văn phòng", "mode": None, "for": None}}, "signer", (1, 0, 0)),
    ("attached_to", {"attached_to": "2168/QĐ-BTP"}, {"attached_to": "2168/QĐ-BTP"}, "attached_to", (1, 0, 0)),
]


@pytest.mark.parametrize("case, pred_over, gold_over, name, expected", CASES, ids=[c[0] for c in CASES])
def test_document_field(case: str, pred_over: dict[str, Any], gold_over: dict[str, Any], name: str,
                        expected: tuple[int, int, int]) -> None:
    gold = _file(_doc(**gold_over))
    pred = _file(_doc(**{**gold_over, **pred_over}))
    sc = score_file(pred, gold)
    assert _counts(sc, name) == expected


def test_perfect_match_is_one_everywhere() -> None:
    sc = score_file(_file(_doc()), _file(_doc()))
    for name, c in sc.counts.items():
        assert c.f1 == 1.0, name
        assert c.fp == c.fn == 0, name
    assert not sc.mismatches


def test_null_null_is_a_true_negative() -> None:
    sc = score_file(_file(_doc(place=None)), _file(_doc(place=None)))
    c = sc.counts["place"]
    assert (c.tp, c.fp, c.fn, c.tn) == (0, 0, 0, 1)
    assert c.f1 == 1.0 and c.accuracy == 1.0


def test_mismatch_details() -> None:
    sc = score_file(_file(_doc(date="2021-03-06", recipients=["Như Điều 3"])), _file(_doc()))
    by_field = {m["field"]: m for m in sc.mismatches}
    assert by_field["date"]["predicted"] == "2021-03-06"
    assert by_field["date"]["expected"] == "2021-03-05"
    assert by_field["date"]["error"] == "wrong"
    assert by_field["recipients"]["missing"] == ["Bộ Tư pháp (để báo cáo)", "Các sở, ban, ngành tỉnh"]


# ---------------------------------------------------------------- references


def _refs(*refs: dict[str, Any]) -> list[dict[str, Any]]:
    return list(refs)


ND87 = {"doc_type": "Nghị định", "number": "87/2020/NĐ-CP", "date": "2020-07-28", "issuer": "Chính phủ",
        "relation": "basis"}
LAW = {"doc_type": "Luật", "number": None, "title": "Luật Hộ tịch", "year": 2014, "date": None,
       "issuer": None, "relation": "basis"}


def test_reference_matched_by_number_with_wrong_relation() -> None:
    pred = _file(_doc(references=[{**ND87, "relation": "mentions"}, LAW]))
    sc = score_file(pred, _file(_doc()))
    assert _counts(sc, "references") == (2, 0, 0)
    rel = sc.counts["references.relation"]
    assert (rel.tp, rel.fp, rel.fn) == (1, 1, 1)
    assert rel.accuracy == 0.5
    assert _counts(sc, "references.date") == (1, 0, 0)


def test_reference_number_is_not_fuzzy() -> None:
    pred = _file(_doc(references=[{**ND87, "number": "81/2020/NĐ-CP"}, LAW]))
    sc = score_file(pred, _file(_doc()))
    assert _counts(sc, "references") == (1, 1, 1)


def test_reference_number_ignores_spaces() -> None:
    pred = _file(_doc(references=[{**ND87, "number": "87/2020/NĐ - CP"}, LAW]))
    assert _counts(score_file(pred, _file(_doc())), "references") == (2, 0, 0)


def test_law_reference_matched_by_title() -> None:
    pred = _file(_doc(references=[ND87, {**LAW, "title": "Luật hộ tịch.", "relation": "mentions"}]))
    sc = score_file(pred, _file(_doc()))
    assert _counts(sc, "references") == (2, 0, 0)
    assert _counts(sc, "references.relation") == (1, 1, 1)


def test_law_reference_other_title_does_not_match() -> None:
    pred = _file(_doc(references=[ND87, {**LAW, "title": "Luật Tổ chức chính quyền địa phương"}]))
    assert _counts(score_file(pred, _file(_doc())), "references") == (1, 1, 1)


def test_reference_wrong_date_and_issuer() -> None:
    pred = _file(_doc(references=[{**ND87, "date": None, "issuer": "Bộ Tư pháp"}, LAW]))
    sc = score_file(pred, _file(_doc()))
    assert _counts(sc, "references.date") == (0, 0, 1)
    assert _counts(sc, "references.issuer") == (0, 1, 1)


# ---------------------------------------------------------------- tasks


def _task(**over: Any) -> dict[str, Any]:
    t = copy.deepcopy(_doc()["tasks"][0])
    t.update(over)
    return t


def test_tasks_empty_prediction() -> None:
    sc = score_file(_file(_doc(tasks=[])), _file(_doc()))
    assert _counts(sc, "tasks") == (0, 0, 1)
    assert "task.title" not in sc.counts  # fields only of paired tasks


def test_task_paired_by_no_then_fields() -> None:
    pred_task = _task(lead=["UBND cấp huyện"], support=[], deadline={"kind": "quarter", "start": "2021-01-01",
                                                                      "due": "2021-03-30"})
    sc = score_file(_file(_doc(tasks=[pred_task])), _file(_doc()))
    assert _counts(sc, "tasks") == (1, 0, 0)
    assert _counts(sc, "task.lead") == (1, 0, 0)
    assert _counts(sc, "task.support") == (0, 0, 1)
    assert _counts(sc, "task.deadline.kind") == (1, 0, 0)
    assert _counts(sc, "task.deadline.start") == (1, 0, 0)
    assert _counts(sc, "task.deadline.due") == (0, 1, 1)


def test_task_paired_by_title_when_no_differs() -> None:
    sc = score_file(_file(_doc(tasks=[_task(no="1a")])), _file(_doc()))
    assert _counts(sc, "tasks") == (1, 0, 0)
    assert _counts(sc, "task.no") == (0, 1, 1)
    assert _counts(sc, "task.title") == (1, 0, 0)


def test_task_unpaired() -> None:
    sc = score_file(_file(_doc(tasks=[_task(no="2", title="Tổ chức tập huấn nghiệp vụ")])), _file(_doc()))
    assert _counts(sc, "tasks") == (0, 1, 1)


def test_task_null_deadline() -> None:
    gold = _file(_doc(tasks=[_task(deadline=None)]))
    sc = score_file(_file(_doc(tasks=[_task(deadline=None)])), gold)
    assert _counts(sc, "task.deadline.kind") == (0, 0, 0)
    sc = score_file(_file(_doc()), gold)
    assert _counts(sc, "task.deadline.due") == (0, 1, 0)


# ---------------------------------------------------------------- document pairing


def test_documents_paired_by_number_regardless_of_order() -> None:
    qd = _doc()
    kh = _doc(doc_type="Kế hoạch", number=None, attached_to="12/QĐ-UBND", signer=None, recipients=[])
    sc = score_file(_file(kh, qd), _file(qd, kh))
    assert _counts(sc, "documents") == (2, 0, 0)
    assert all(c.fp == c.fn == 0 for c in sc.counts.values())


def test_documents_paired_by_type_and_order() -> None:
    kh1 = _doc(doc_type="Kế hoạch", number=None, subject="Một")
    kh2 = _doc(doc_type="Kế hoạch", number=None, subject="Hai")
    pairs, up, ug = pair_documents([kh1, kh2], [kh1, kh2])
    assert pairs == [(0, 0), (1, 1)] and up == [] and ug == []
    sc = score_file(_file(kh1, kh2), _file(kh1, kh2))
    assert _counts(sc, "subject") == (2, 0, 0)
    # order decides between documents of the same type
    sc = score_file(_file(kh2, kh1), _file(kh1, kh2))
    assert _counts(sc, "subject") == (0, 2, 2)


def test_document_with_wrong_number_pairs_by_type() -> None:
    sc = score_file(_file(_doc(number="21/QĐ-UBND")), _file(_doc()))
    assert _counts(sc, "documents") == (1, 0, 0)
    assert _counts(sc, "number") == (0, 1, 1)
    assert _counts(sc, "issuer") == (1, 0, 0)


def test_unpaired_documents_count_all_fields() -> None:
    gold = _file(_doc())
    pred = _file(_doc(doc_type="Kế hoạch", number=None))
    sc = score_file(pred, gold)
    assert _counts(sc, "documents") == (0, 1, 1)
    assert _counts(sc, "recipients") == (0, 3, 3)
    assert _counts(sc, "number") == (0, 0, 1)  # the predicted number is null: nothing to count
    assert _counts(sc, "references") == (0, 2, 2)
    assert sc.counts["attached_to"].tn == 0  # null fields of unpaired documents are not true negatives


def test_no_prediction_at_all() -> None:
    sc = score_file({"documents": []}, _file(_doc()))
    assert _counts(sc, "documents") == (0, 0, 1)
    assert _counts(sc, "issuer") == (0, 0, 1)
    assert sc.counts["issuer"].recall == 0.0


def test_bare_document_and_list_are_accepted() -> None:
    assert ev.documents_of(_doc()) == [_doc()]
    assert ev.documents_of([_doc()]) == [_doc()]
    assert ev.documents_of(None) == []


# ---------------------------------------------------------------- gold against itself


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_against_itself(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    sc = score_file(copy.deepcopy(gold), gold)
    assert sc.counts, "no field scored"
    for name, c in sc.counts.items():
        assert c.f1 == 1.0 and c.fp == 0 and c.fn == 0, (name, c)
        assert c.accuracy in (None, 1.0), (name, c)
    assert not sc.mismatches


def test_there_are_five_gold_files() -> None:
    assert len(GOLD_FILES) == 5


# ---------------------------------------------------------------- labels

TL_LABEL = {"number": "471/QĐ-UBND", "doc_type": "Quyết định", "issuer": "Tỉnh Bắc Ninh",
            "signer": "Phạm Văn Thịnh", "date": "28/11/2025", "file": "x.txt"}


def _tl_pred(**over: Any) -> dict[str, Any]:
    d = {"doc_type": "Quyết định", "number": "471/QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Bắc Ninh",
         "date": "2025-11-28",
         "signer": {"name": "Phạm Văn Thịnh", "title": "Phó Chủ tịch", "mode": "KT", "for": "Chủ tịch"}}
    d.update(over)
    return d


LABEL_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, tuple[int, int, int]]] = [
    ("perfect number", {}, {}, "number", (1, 0, 0)),
    ("number spaces removed", {"number": "471 /QĐ-UBND"}, {}, "number", (1, 0, 0)),
    ("wrong number", {"number": "741/QĐ-UBND"}, {}, "number", (0, 1, 1)),
    ("dd/mm/yyyy converted", {}, {}, "date", (1, 0, 0)),
    ("wrong date", {"date": "2025-11-27"}, {}, "date", (0, 1, 1)),
    ("issuer label contained", {}, {}, "issuer", (1, 0, 0)),
    ("issuer with UBND", {"issuer": "UBND TỈNH BẮC NINH"}, {}, "issuer", (1, 0, 0)),
    ("issuer equal", {"issuer": "Tỉnh Bắc Ninh"}, {}, "issuer", (1, 0, 0)),
    ("issuer of another province", {"issuer": "Ủy ban nhân dân tỉnh Bắc Giang"}, {}, "issuer", (0, 1, 1)),
    ("issuer missing", {"issuer": None}, {}, "issuer", (0, 0, 1)),
    ("issuer city", {"issuer": "Hội đồng nhân dân thành phố Hà Nội"}, {"issuer": "Thành phố Hà Nội"},
     "issuer", (1, 0, 0)),
    ("signer is the name", {}, {}, "signer", (1, 0, 0)),
    ("signer name case", {"signer": {"name": "PHẠM VĂN THỊNH"}}, {}, "signer", (1, 0, 0)),
    ("signer missing", {"signer": None}, {}, "signer", (0, 0, 1)),
    ("null signer label, none predicted", {"signer": None}, {"signer": None}, "signer", (0, 0, 0)),
    ("null signer label, one predicted", {}, {"signer": None}, "signer", (0, 1, 0)),
    ("doc_type", {"doc_type": "QUYẾT ĐỊNH"}, {}, "doc_type", (1, 0, 0)),
    ("ISO label date (dev/files)", {"date": "2026-06"}, {"date": "2026-06"}, "date", (1, 0, 0)),
]


@pytest.mark.parametrize("case, pred_over, label_over, name, expected", LABEL_CASES,
                         ids=[c[0] for c in LABEL_CASES])
def test_label_field(case: str, pred_over: dict[str, Any], label_over: dict[str, Any], name: str,
                     expected: tuple[int, int, int]) -> None:
    sc = score_label(_file(_tl_pred(**pred_over)), {**TL_LABEL, **label_over})
    assert _counts(sc, name) == expected


def test_label_picks_document_by_number_then_type_then_first() -> None:
    transmittal = _tl_pred(doc_type="Phiếu chuyển", number="7049/PC-VP")
    decision = _tl_pred()
    plan = _tl_pred(doc_type="Kế hoạch", number=None)
    assert pick_document(_file(transmittal, plan, decision), TL_LABEL) is decision
    other = _tl_pred(number="999/QĐ-UBND")
    assert pick_document(_file(transmittal, other), TL_LABEL) is other
    assert pick_document(_file(transmittal, plan), TL_LABEL) is transmittal
    assert pick_document({"documents": []}, TL_LABEL) is None


def test_label_without_documents_is_all_fn() -> None:
    sc = score_label({"documents": []}, TL_LABEL)
    for name in ("documents", "number", "doc_type", "date", "signer", "issuer"):
        assert _counts(sc, name) == (0, 0, 1), name


def test_files_group() -> None:
    assert ev.files_group({"format": "docx", "has_text_layer": True}) == "dev/files"
    assert ev.files_group({"format": "pdf", "has_text_layer": True}) == "dev/files"
    assert ev.files_group({"format": "pdf", "has_text_layer": "garbled"}) == "dev/files-hard"
    assert ev.files_group({"format": "pdf", "has_text_layer": False}) == "dev/files-hard"
    assert ev.files_group({"format": "doc", "has_text_layer": True}) == "dev/files-hard"


def test_seed_group() -> None:
    assert ev.seed_group("003_5bbd1d5b7062e50c.txt") == "seeds-ocr"
    assert ev.seed_group("000_4b7a79e30ef802cc.txt") == "seeds-clean"


# ---------------------------------------------------------------- run_eval on the real corpus


def _oracle() -> Any:
    """A parse function that answers with the gold, or with the label turned into a document."""
    golds = {}
    for p in GOLD_FILES:
        g = json.loads(p.read_text(encoding="utf-8"))
        golds[g["file"]] = g
    labels = {}
    for s in ("dev/tl", "dev/files"):
        for line in (CORPUS / s / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                lab = json.loads(line)
                labels[(Path(s).name, lab["file"])] = lab

    def parse(path: Path) -> dict[str, Any]:
        if path.parent.name == "seeds":
            return copy.deepcopy(golds[path.name])
        lab = labels[(path.parent.name, path.name)]
        signer = {"name": lab["signer"], "title": None, "mode": None, "for": None} if lab["signer"] else None
        return {"file": path.name, "documents": [{
            "doc_type": lab["doc_type"], "number": lab["number"], "issuer": lab["issuer"],
            "date": label_date_to_iso(lab["date"]), "signer": signer,
        }]}

    return parse


@pytest.fixture(scope="module")
def oracle_report() -> ev.Report:
    return run_eval(CORPUS, _oracle())


def test_oracle_passes_every_floor(oracle_report: ev.Report) -> None:
    checks = oracle_report.check_floors()
    assert len(checks) == len(FLOORS)
    assert all(fc.ok for fc in checks), "\n".join(map(str, checks))


def test_oracle_groups(oracle_report: ev.Report) -> None:
    g = oracle_report.groups
    assert set(g) == {"seeds", "seeds-clean", "seeds-ocr", "dev/tl", "dev/files", "dev/files-hard"}
    assert len(g["seeds"].files) == 5
    assert g["seeds-ocr"].files == ["003_5bbd1d5b7062e50c.txt"]
    assert len(g["seeds-clean"].files) == 4
    assert len(g["dev/tl"].files) == 99
    assert sorted(f[:3] for f in g["dev/files-hard"].files) == ["d13", "d14", "d15"]
    assert len(g["dev/files"].files) == 12
    for grp in g.values():
        assert grp.metric("header") == 1.0


def test_oracle_report_json_and_text(oracle_report: ev.Report) -> None:
    data = json.loads(json.dumps(oracle_report.to_json(), ensure_ascii=False))
    assert data["groups"]["seeds"]["aggregates"]["header"] == 1.0
    assert data["groups"]["seeds"]["fields"]["references"]["f1"] == 1.0
    assert all(f["ok"] for f in data["floors"])
    text = format_report(oracle_report)
    for name in ("seeds-clean", "seeds-ocr", "dev/tl", "dev/files-hard", "header (micro F1)",
                 "references.relation"):
        assert name in text


def test_parse_errors_are_scored_as_fn() -> None:
    def boom(path: Path) -> dict[str, Any]:
        raise RuntimeError("no reader")

    report = run_eval(CORPUS, boom, sets=("seeds",))
    g = report.groups["seeds"]
    assert g.errors == 5
    assert g.counts["documents"].fn == 10 and g.counts["documents"].tp == 0
    assert g.metric("header") == 0.0
    assert all(fr.error and "RuntimeError: no reader" in fr.error for fr in report.files)
    checks = {(c.group, c.metric): c for c in report.check_floors(only_present=True)}
    assert not checks[("seeds-clean", "header")].ok
    assert ("dev/tl", "number") not in checks
    assert "ERROR RuntimeError" in format_report(report, details=True)


def test_unknown_set() -> None:
    with pytest.raises(ValueError):
        run_eval(CORPUS, lambda p: {}, sets=("nope",))


def test_details_show_mismatches() -> None:
    golds = {json.loads(p.read_text(encoding="utf-8"))["file"]: json.loads(p.read_text(encoding="utf-8"))
             for p in GOLD_FILES}

    def off_by_one_day(path: Path) -> dict[str, Any]:
        g = copy.deepcopy(golds[path.name])
        g["documents"][0]["date"] = "1999-01-01"
        return g

    report = run_eval(CORPUS, off_by_one_day, sets=("seeds",))
    assert report.groups["seeds"].counts["date"].fp == 5
    text = format_report(report, details=True)
    assert "'1999-01-01'" in text and "date [wrong]" in text


# ---------------------------------------------------------------- main


def test_main_with_a_fake_parser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ev, "_default_parse", _oracle())
    out = tmp_path / "report.json"
    rc = ev.main(["--corpus", str(CORPUS), "--set", "seeds", "--set", "dev/files", "--json", str(out),
                  "--floors", "--details"])
    assert rc == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["groups"]) == {"seeds", "seeds-clean", "seeds-ocr", "dev/files", "dev/files-hard"}
    assert "all floors pass" in capsys.readouterr().out


def test_main_floors_fail(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ev, "_default_parse", lambda p: {"documents": []})
    assert ev.main(["--set", "dev/files", "--floors"]) == 1
    out = capsys.readouterr().out
    assert "FAIL dev/files number" in out
