"""Links: references resolve by number when asked, so they follow late arrivals and corrections.

Real bundles come from the seeds: 000 (slip 7049/PC-VP + the plan of
2168/QĐ-BTP), 003 (the same bundle OCR'd, with the decision itself), 002 (the
Bình Định decision and plan built on 2168/QĐ-BTP), 001 (Cao Bằng, 2019),
004 (148/QĐ-BTP and its plan). Short synthetic documents cover what the
seeds lack: a Kiên Giang plan paraphrasing the ministry's tasks, two
provinces' plans sharing a number, a misread decision number, a citation loop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from docparse.registry.corrections import correct
from docparse.registry.db import open_db
from docparse.registry.ingest import ingest_bytes, ingest_paths
from docparse.registry.links import MATCH_THRESHOLD, chain_up, implementations, links, task_similarity

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"

HEADER = """{issuer}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}
{place}, ngày {date}
"""

SIGN = """Nơi nhận:
- Như trên;
- Lưu: VT.
{title}
{name}
"""

#: A province carrying out 2168/QĐ-BTP: three of the ministry's tasks in its own words, and one of its own.
KG_PLAN = HEADER.format(issuer="ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG", number="245/KH-UBND", place="Kiên Giang",
                        date="15 tháng 12 năm 2020") + """KẾ HOẠCH
Triển khai thực hiện Quyết định số 2168/QĐ-BTP ngày 26/10/2020 của Bộ Tư pháp trên địa bàn tỉnh Kiên Giang
Thực hiện Quyết định số 2168/QĐ-BTP ngày 26/10/2020 của Bộ trưởng Bộ Tư pháp ban hành Kế hoạch triển khai \
thực hiện Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ, Ủy ban nhân dân tỉnh ban hành Kế hoạch \
thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
Triển khai kịp thời, đồng bộ các nhiệm vụ được giao trên địa bàn tỉnh.
II. NỘI DUNG NHIỆM VỤ
1. Tuyên truyền, phổ biến Nghị định số 87/2020/NĐ-CP và Thông tư hướng dẫn thi hành đến cán bộ, công chức \
làm công tác hộ tịch
- Cơ quan chủ trì: Sở Tư pháp.
- Cơ quan phối hợp: Sở Thông tin và Truyền thông; Ủy ban nhân dân các huyện, thành phố.
- Thời gian thực hiện: Quý I/2021.
2. Số hóa dữ liệu hộ tịch lịch sử từ sổ giấy, chuyển đổi, chuẩn hóa dữ liệu và cập nhật vào Cơ sở dữ liệu \
hộ tịch điện tử toàn quốc
- Cơ quan chủ trì: Sở Tư pháp.
- Cơ quan phối hợp: Ủy ban nhân dân các huyện, thành phố.
- Thời gian hoàn thành: trước ngày 31/12/2024.
3. Tổ chức tập huấn, bồi dưỡng nghiệp vụ chuyên sâu cho công chức tư pháp - hộ tịch cấp huyện, cấp xã
- Cơ quan chủ trì: Sở Tư pháp.
- Thời gian thực hiện: Năm 2021.
4. Sửa chữa, nâng cấp trụ sở làm việc của Ủy ban nhân dân cấp xã
- Cơ quan chủ trì: Sở Xây dựng.
- Cơ quan phối hợp: Sở Tài chính.
- Thời gian hoàn thành: Năm 2022.
III. TỔ CHỨC THỰC HIỆN
Sở Tư pháp chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này.
""" + SIGN.format(title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", name="Lê Văn Tâm")


def province_plan(province: str, place: str) -> str:
    """A plan numbered 15/KH-UBND: every province has one, so the number alone names none."""
    return HEADER.format(issuer=f"ỦY BAN NHÂN DÂN\nTỈNH {province}", number="15/KH-UBND", place=place,
                         date="20 tháng 01 năm 2024") + """KẾ HOẠCH
Công tác phổ biến, giáo dục pháp luật năm 2024
II. NHIỆM VỤ
1. Tổ chức Ngày Pháp luật Việt Nam
- Cơ quan chủ trì: Sở Tư pháp.
- Thời gian thực hiện: Tháng 11/2024.
""" + SIGN.format(title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", name="Lâm Văn Bi")


def letter(issuer: str, number: str, place: str, date: str, body: str) -> str:
    return HEADER.format(issuer=issuer, number=number, place=place, date=date).replace(
        f"{place}, ngày", f"V/v triển khai văn bản\n{place}, ngày") + f"""Kính gửi: Các cơ quan, đơn vị.
{body}
""" + SIGN.format(title="GIÁM ĐỐC", name="Trần Văn Hùng")


def cites_plan_15(province: str, number: str) -> str:
    return letter(f"UBND TỈNH {province.upper()}\nSỞ TƯ PHÁP", number, province, "05 tháng 02 năm 2024",
                  f"Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2024 của Ủy ban nhân dân tỉnh {province} "
                  "về công tác phổ biến, giáo dục pháp luật năm 2024, Sở Tư pháp đề nghị các cơ quan "
                  "triển khai thực hiện.")


#: Two letters citing each other: impossible in print, possible with misread numbers.
LOOP_A = letter("UBND TỈNH AN GIANG\nSỞ NỘI VỤ", "301/SNV-TCBC", "An Giang", "12 tháng 6 năm 2024",
                "Căn cứ Công văn số 302/STC-HCSN ngày 10/6/2024 của Sở Tài chính tỉnh An Giang, "
                "Sở Nội vụ báo cáo.")
LOOP_B = letter("UBND TỈNH AN GIANG\nSỞ TÀI CHÍNH", "302/STC-HCSN", "An Giang", "10 tháng 6 năm 2024",
                "Căn cứ Công văn số 301/SNV-TCBC ngày 12/6/2024 của Sở Nội vụ tỉnh An Giang, "
                "Sở Tài chính đề nghị.")


def bnv_decision(number: str) -> str:
    return HEADER.format(issuer="BỘ NỘI VỤ", number=number, place="Hà Nội", date="28 tháng 3 năm 2024") + """\
QUYẾT ĐỊNH
Ban hành Kế hoạch cải cách hành chính năm 2024 của Bộ Nội vụ
BỘ TRƯỞNG BỘ NỘI VỤ
Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12/9/2022 của Chính phủ quy định chức năng, nhiệm vụ, quyền hạn và \
cơ cấu tổ chức của Bộ Nội vụ;
Theo đề nghị của Vụ trưởng Vụ Cải cách hành chính.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2024 của Bộ Nội vụ.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
""" + SIGN.format(title="BỘ TRƯỞNG", name="Phạm Thị Thanh Trà")


BNV_LETTER = letter("UBND TỈNH CÀ MAU\nSỞ NỘI VỤ", "512/SNV-CCHC", "Cà Mau", "10 tháng 4 năm 2024",
                    "Thực hiện Quyết định số 1207/QĐ-BNV ngày 28/3/2024 của Bộ Nội vụ ban hành Kế hoạch "
                    "cải cách hành chính năm 2024, Sở Nội vụ đề nghị các sở, ban, ngành tỉnh triển khai "
                    "thực hiện.")

#: The plan of 1207/QĐ-BNV printed on its own, the decision's number misread as 1270.
BNV_PLAN = """BỘ NỘI VỤ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
KẾ HOẠCH
Cải cách hành chính năm 2024 của Bộ Nội vụ
(Ban hành kèm theo Quyết định số 1270/QĐ-BNV ngày 28 tháng 3 năm 2024 của Bộ trưởng Bộ Nội vụ)
II. NHIỆM VỤ
1. Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý của Bộ
- Đơn vị chủ trì: Văn phòng Bộ.
- Thời gian hoàn thành: Quý III/2024.
"""


def ingest_text(db: sqlite_utils.Database, text: str, name: str) -> list[int]:
    res = ingest_bytes(db, text.encode(), name)
    assert res.status == "created", res.error
    return [d["id"] for d in res.documents]


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite_utils.Database, dict[str, int]]:
    """The seeds and the synthetic documents in one registry; ``ids["002/1"]``: file 002's second document."""
    db = open_db(tmp_path_factory.mktemp("links") / "registry.db")
    for res in ingest_paths(db, sorted(SEEDS.glob("*.txt"))):
        assert res.status == "created", res.error
    extra = {"kg": KG_PLAN, "ag15": province_plan("AN GIANG", "An Giang"),
             "cm15": province_plan("CÀ MAU", "Cà Mau"), "cm_letter": cites_plan_15("Cà Mau", "88/STP-PBGDPL"),
             "ag_letter": cites_plan_15("An Giang", "41/STP-VP"),
             "bl_letter": cites_plan_15("Bạc Liêu", "17/STP-VP"),
             "loop_a": LOOP_A, "loop_b": LOOP_B}
    for name, text in extra.items():
        ingest_text(db, text, f"{name}.txt")
    ids = {f"{r['name'].split('_')[0] if r['name'][0].isdigit() else r['name'][:-4]}/{r['seq']}": r["id"]
           for r in db.query("SELECT d.id, d.seq, f.name FROM documents d "
                             "JOIN files f ON f.sha256 = d.file_sha256")}
    return db, ids


def _out(db: sqlite_utils.Database, doc_id: int, relation: str, cited: str) -> dict:
    items = [o for o in links(db, doc_id)["outgoing"]
             if o["relation"] == relation and cited in (o["number"], o["title"])]
    assert len(items) == 1, links(db, doc_id)["outgoing"]
    return items[0]


# ------------------------------------------------------------------ outgoing


@pytest.mark.parametrize(("source", "relation", "cited", "target", "implicit"), [
    ("000/0", "transmits", "2168/QĐ-BTP", "003/1", False),    # the slip, to the decision registered from 003
    ("000/1", "attached_to", "2168/QĐ-BTP", "003/1", False),  # the plan, to its decision in another file
    ("003/2", "attached_to", "2168/QĐ-BTP", "003/1", False),  # the OCR'd plan, inside its bundle
    ("002/0", "basis", "2168/QĐ-BTP", "003/1", False),        # Bình Định's decision: "Căn cứ Quyết định..."
    ("002/1", "attached_to", "/QĐ-UBND", "002/0", True),      # no reference row: the bundle's attached_to
    ("004/1", "attached_to", "148/QĐ-BTP", "004/0", False),
    ("kg/0", "basis", "2168/QĐ-BTP", "003/1", False),
    ("002/0", "basis", "87/2020/NĐ-CP", None, False),          # the decree is not registered: a placeholder
    ("001/0", "basis", "Luật Hộ tịch", None, False),          # a law cited by name
    ("cm_letter/0", "basis", "15/KH-UBND", "cm15/0", False),  # two provinces' 15/KH-UBND: the issuer decides
    ("ag_letter/0", "basis", "15/KH-UBND", "ag15/0", False),
    ("bl_letter/0", "basis", "15/KH-UBND", None, False),      # Bạc Liêu's own is not registered
])
def test_outgoing_resolves_to_registered_document_or_placeholder(reg, source, relation, cited, target,
                                                                  implicit):
    db, ids = reg
    item = _out(db, ids[source], relation, cited)
    assert item["registered"] is (target is not None)
    assert (item["target"] or {}).get("id") == (ids[target] if target else None)
    assert item["implicit"] is implicit


@pytest.mark.parametrize(("source", "candidates"), [
    ("cm_letter/0", ["ag15/0"]),
    ("ag_letter/0", ["cm15/0"]),
    ("bl_letter/0", ["ag15/0", "cm15/0"]),  # shown, but neither is the plan Bạc Liêu cites
])
def test_number_shared_by_documents_lists_the_others_as_candidates(reg, source, candidates):
    db, ids = reg
    item = _out(db, ids[source], "basis", "15/KH-UBND")
    assert [c["id"] for c in item["candidates"]] == [ids[c] for c in candidates]


# ------------------------------------------------------------------ incoming


@pytest.mark.parametrize(("target", "expected"), [
    ("003/1", {("transmits", "000/0"), ("transmits", "003/0"), ("attached_to", "000/1"),
               ("attached_to", "003/2"), ("basis", "002/0"), ("basis", "kg/0")}),
    ("002/0", {("attached_to", "002/1")}),
    ("004/0", {("attached_to", "004/1")}),
    ("cm15/0", {("basis", "cm_letter/0")}),
    ("ag15/0", {("basis", "ag_letter/0")}),
    ("001/0", set()),
])
def test_incoming_links(reg, target, expected):
    db, ids = reg
    got = {(i["relation"], i["source"]["id"]) for i in links(db, ids[target])["incoming"]}
    assert got == {(rel, ids[src]) for rel, src in expected}


def test_unknown_document(reg):
    db, _ = reg
    assert links(db, 10**6) is None
    assert chain_up(db, 10**6) == []
    assert implementations(db, 10**6) is None


# ------------------------------------------------------------------ late arrivals and corrections


@pytest.mark.parametrize("citing_first", [True, False])
def test_placeholder_resolves_when_target_arrives_in_either_order(tmp_path, citing_first):
    db = open_db(tmp_path / "order.db")
    docs = [("letter", BNV_LETTER), ("decision", bnv_decision("1207/QĐ-BNV"))]
    ids: dict[str, int] = {}
    for name, text in docs if citing_first else docs[::-1]:
        if name == "decision" and citing_first:
            assert _out(db, ids["letter"], "basis", "1207/QĐ-BNV")["target"] is None  # a placeholder, for now
        ids[name] = ingest_text(db, text, f"{name}.txt")[0]
    assert _out(db, ids["letter"], "basis", "1207/QĐ-BNV")["target"]["id"] == ids["decision"]
    assert [(i["relation"], i["source"]["id"]) for i in links(db, ids["decision"])["incoming"]] == \
        [("basis", ids["letter"])]


def test_links_follow_corrected_numbers(tmp_path):
    db = open_db(tmp_path / "corrections.db")
    decision = ingest_text(db, bnv_decision("1201/QĐ-BNV"), "decision.txt")[0]  # 1207 misread
    cites = ingest_text(db, BNV_LETTER, "letter.txt")[0]
    plan = ingest_text(db, BNV_PLAN, "plan.txt")[0]  # attached to 1270: misread too
    assert _out(db, cites, "basis", "1207/QĐ-BNV")["target"] is None
    assert links(db, decision)["incoming"] == []

    correct(db, decision, {"number": "1207/QĐ-BNV"}, who="test")
    assert _out(db, cites, "basis", "1207/QĐ-BNV")["target"]["id"] == decision

    correct(db, plan, {"attached_to": "1207/QĐ-BNV"}, who="test")
    attached = [o for o in links(db, plan)["outgoing"] if o["relation"] == "attached_to"]
    assert [(o["number"], o["target"]["id"]) for o in attached] == [("1207/QĐ-BNV", decision)]  # 1270 is gone
    assert {(i["relation"], i["source"]["id"]) for i in links(db, decision)["incoming"]} == \
        {("basis", cites), ("attached_to", plan)}


def test_bundle_keeps_its_plan_when_the_blank_number_is_filled_in(tmp_path):
    db = open_db(tmp_path / "bundle.db")
    decision, plan = ingest_paths(db, [SEEDS / "002_e58256e926890cfb.txt"])[0].documents
    correct(db, decision["id"], {"number": "425/QĐ-UBND"}, who="test")  # the draft's "Số: /QĐ-UBND", signed
    item = _out(db, plan["id"], "attached_to", "425/QĐ-UBND")  # the plan's "kèm theo" follows the number
    assert item["target"]["id"] == decision["id"]
    assert item["target"]["number"] == "425/QĐ-UBND"


# ------------------------------------------------------------------ chain up


@pytest.mark.parametrize(("start", "expected"), [
    # Bình Định's plan -> the provincial decision issuing it -> the ministry decision that decision rests on
    # -> the decree (not registered); the Kiên Giang slip forwarded the ministry decision (its OCR twin is a
    # duplicate and is left out).
    ("002/1", [(None, "002/1"), ("attached_to", "002/0"), ("basis", "003/1"), ("basis", "87/2020/NĐ-CP"),
               ("transmits", "000/0")]),
    ("kg/0", [(None, "kg/0"), ("basis", "003/1"), ("basis", "87/2020/NĐ-CP"), ("transmits", "000/0")]),
    ("000/1", [(None, "000/1"), ("attached_to", "003/1"), ("basis", "87/2020/NĐ-CP"),
               ("transmits", "000/0")]),
    ("000/0", [(None, "000/0"), ("transmits", "003/1"), ("basis", "87/2020/NĐ-CP")]),
    ("004/1", [(None, "004/1"), ("attached_to", "004/0"), ("basis", "98/2022/NĐ-CP")]),
    ("loop_a/0", [(None, "loop_a/0"), ("basis", "loop_b/0")]),  # and not back to loop_a
])
def test_chain_up(reg, start, expected):
    db, ids = reg
    steps = chain_up(db, ids[start])
    got = [(s["relation"], s["id"] if s["registered"] else s["number"]) for s in steps]
    assert got == [(rel, ids.get(ref, ref)) for rel, ref in expected]


def test_chain_names_what_each_slip_transmits(reg):
    db, ids = reg
    slip = chain_up(db, ids["002/1"])[-1]
    assert (slip["doc_type"], slip["number"]) == ("Phiếu chuyển", "7049/PC-VP")
    assert slip["transmits"] == ids["003/1"]


# ------------------------------------------------------------------ implementations


#: Which task of each province's plan takes up which task of the plan of 2168/QĐ-BTP (by their numbers).
TAKEN_UP = {
    # Bình Định restates the ministry's tasks closely; 1.1 (drafting the Thông tư) and 3.6 (missions abroad)
    # find the province's dissemination and digitisation tasks, which carry them out locally.
    "002/1": {"1.1": "2", "1.2": "3", "2": "2", "3.5": "4", "3.6": "4", "4.1": "5.1", "4.2": "5.2"},
    # Kiên Giang paraphrases three tasks; its task 4 (repairing commune offices) is its own.
    "kg/0": {"2": "1", "3.5": "2", "4.1": "3"},
}


def test_implementations_of_a_ministry_decision(reg):
    db, ids = reg
    result = implementations(db, ids["003/1"])
    assert result["decision"]["number"] == "2168/QĐ-BTP"
    assert result["task_source"]["id"] == ids["000/1"]  # the clean copy of the plan, not the OCR'd one
    assert [t["no"] for t in result["decision_tasks"]] == \
        ["1.1", "1.2", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2"]
    no_of = {t["id"]: t["no"] for t in result["decision_tasks"]}
    got = {p["plan"]["id"]: {no_of[m["decision_task_id"]]: m["plan_task_no"] for m in p["matches"]}
           for p in result["plans"]}
    assert got == {ids[k]: v for k, v in TAKEN_UP.items()}
    assert all(m["score"] >= MATCH_THRESHOLD for p in result["plans"] for m in p["matches"])
    via = {p["plan"]["id"]: (p["via"]["relation"], (p["via"]["through"] or {}).get("id"))
           for p in result["plans"]}
    assert via == {ids["002/1"]: ("basis", ids["002/0"]), ids["kg/0"]: ("basis", None)}


@pytest.mark.parametrize(("asked", "decision", "plans"), [
    ("000/1", "003/1", {"002/1", "kg/0"}),  # the ministry's plan stands for the decision issuing it
    ("004/0", "004/0", set()),              # 148/QĐ-BTP: no province's plan registered
    ("002/0", "002/0", set()),
])
def test_implementations_table(reg, asked, decision, plans):
    db, ids = reg
    result = implementations(db, ids[asked])
    assert result["decision"]["id"] == ids[decision]
    assert {p["plan"]["id"] for p in result["plans"]} == {ids[p] for p in plans}


@pytest.mark.parametrize(("decision_task", "plan_task", "takes_up"), [
    ("Tổ chức các cuộc tập huấn, bồi dưỡng nghiệp vụ chuyên sâu",
     "Tập huấn, phát hành tài liệu bồi dưỡng nghiệp vụ chuyên sâu cho các đơn vị có liên quan "
     "trên địa bàn tỉnh",
     True),
    ("Chỉ đạo, hướng dẫn, giải đáp các vướng mắc trong quá trình triển khai Nghị định số 87/2020/NĐ-CP",
     "Chỉ đạo, hướng dẫn, giải đáp các vướng mắc trong quá trình triển khai Nghị định số 87/2020/NĐ-CP",
     True),
    ("Tổ chức quán triệt, tuyên truyền, phổ biến Nghị định số 87/2020/NĐ-CP, Thông tư hướng dẫn thi hành "
     "một số quy định của Nghị định số 87/2020/NĐ-CP và quy định pháp luật có liên quan",
     "Tuyên truyền, phổ biến Nghị định số 87/2020/NĐ-CP và Thông tư hướng dẫn thi hành đến cán bộ, công chức "
     "làm công tác hộ tịch", True),
    ("Xây dựng Quy chế khai thác, sử dụng Cơ sở dữ liệu hộ tịch điện tử",
     "Triển khai thực hiện việc số hóa dữ liệu hộ tịch lịch sử từ sổ giấy", False),
    ("Đề xuất chủ trương đầu tư dự án xây dựng Cơ sở dữ liệu hộ tịch điện tử",
     "Sửa chữa, nâng cấp trụ sở làm việc của Ủy ban nhân dân cấp xã", False),
    ("Tổ chức các cuộc tập huấn, bồi dưỡng nghiệp vụ chuyên sâu", "", False),
])
def test_task_similarity(decision_task, plan_task, takes_up):
    assert (task_similarity(decision_task, plan_task) >= MATCH_THRESHOLD) is takes_up
