"""The registry core on a real SQLite file: ingest, originals, duplicates, corrections, re-parse."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from docparse.registry.corrections import correct, history
from docparse.registry.db import open_db
from docparse.registry.documents import CorrectionError
from docparse.registry.ingest import file_row, ingest_bytes, ingest_paths, reparse, safe_name
from docparse.registry.keys import is_identifying, number_key

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def _plan(number: str, issuer: str = "ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH", year: int = 2021, extra: str = "") -> str:
    return f"""{issuer}
Số: {number}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Định, ngày 15 tháng 3 năm {year}

KẾ HOẠCH
Triển khai thực hiện công tác đăng ký hộ tịch {extra}

I. NHIỆM VỤ
1. Rà soát dữ liệu hộ tịch
- Đơn vị chủ trì: Sở Tư pháp
- Đơn vị phối hợp: UBND cấp huyện
- Thời gian hoàn thành: Quý II/{year}

Nơi nhận:
- Như trên;
- Lưu: VT.
"""


@pytest.fixture()
def db(tmp_path: Path):
    d = open_db(tmp_path / "reg.db")
    yield d
    d.conn.close()


@pytest.mark.parametrize("spelling", ["2168/QĐ-BTP", "2168/qd-btp", "2168 /QĐ-BTP", "2168/QD-BTP"])
def test_number_key_is_one_for_every_spelling(spelling: str) -> None:
    assert number_key(spelling) == "2168/QD-BTP"


@pytest.mark.parametrize("number, identifying", [
    ("2168/QĐ-BTP", True), ("87/2020/NĐ-CP", True), ("/QĐ-UBND", False), (None, False), ("11-CT/TU", True),
])
def test_identifying_numbers(number: str | None, identifying: bool) -> None:
    assert is_identifying(number) is identifying


@pytest.mark.parametrize("name, kept", [
    ("../../etc/passwd", "passwd"), ("a\x00b\x1f.txt", "ab.txt"), ("C:\\x\\kế hoạch.docx", "kế hoạch.docx"),
    ("", "tep-khong-ten"), ("...", "tep-khong-ten"),
])
def test_safe_names(name: str, kept: str) -> None:
    assert safe_name(name) == kept


def test_ingest_keeps_the_original_byte_for_byte_and_twice_is_once(db) -> None:
    data = (SEEDS / "001_4d3cbe0d2efac68f.txt").read_bytes()
    first = ingest_bytes(db, data, "001.txt")
    assert first.status == "created" and first.sha256 == hashlib.sha256(data).hexdigest()
    assert [d["number"] for d in first.documents] == ["3510/KH-UBND"]
    again = ingest_bytes(db, data, "renamed.txt")
    assert again.status == "existing" and again.documents == first.documents
    assert file_row(db, first.sha256)["data"] == data
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_a_bad_file_does_not_stop_the_batch(db, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(_plan("12/KH-UBND"), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    other = tmp_path / "other.txt"
    other.write_text(_plan("13/KH-UBND"), encoding="utf-8")
    results = ingest_paths(db, [good, empty, broken, other, tmp_path / "missing.txt"])
    assert [r.status for r in results] == ["created", "error", "error", "created", "error"]
    assert all(r.error and "\n" not in r.error for r in results if r.status == "error")
    assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 2


def test_a_write_failing_half_way_leaves_nothing(db) -> None:
    # a real failure inside the file's transaction: the database refuses the task row
    db.conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON tasks WHEN NEW.title LIKE '%Rà soát%' "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    res = ingest_bytes(db, _plan("14/KH-UBND").encode(), "plan.txt")
    assert res.status == "error"
    for table in ("files", "documents", "refs", "tasks", "task_units", "documents_fts"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    db.conn.execute("DROP TRIGGER refuse")
    assert ingest_bytes(db, _plan("14/KH-UBND").encode(), "plan.txt").status == "created"


def test_same_number_issuer_and_year_is_a_possible_duplicate(db) -> None:
    a = ingest_bytes(db, _plan("15/KH-UBND").encode(), "a.txt")
    b = ingest_bytes(db, _plan("15/KH-UBND", extra="(bản sao)").encode(), "b.txt")
    other_year = ingest_bytes(db, _plan("15/KH-UBND", year=2022).encode(), "c.txt")
    blank = [ingest_bytes(db, _plan("/KH-UBND", extra=x).encode(), f"{x}.txt") for x in ("x", "y")]
    first = a.documents[0]["id"]
    assert b.documents[0]["duplicate_of"] == first
    assert any("trùng" in w for w in b.documents[0]["warnings"])
    assert other_year.documents[0]["duplicate_of"] is None
    assert blank[1].documents[0]["duplicate_of"] is None  # a blank number identifies nothing
    assert "Số văn bản để trống" in blank[1].documents[0]["warnings"]


def test_corrections_are_audited_and_survive_reparse(db) -> None:
    res = ingest_bytes(db, _plan("16/KH-UBND").encode(), "p.txt")
    doc_id = res.documents[0]["id"]
    made = correct(db, doc_id, {"number": "61/KH-UBND", "date": "2021-03-16"}, who="Chuyên viên A")
    assert {m["field"] for m in made} == {"number", "date"}
    row = db.execute("SELECT number, number_key, date, extracted FROM documents WHERE id = ?", [doc_id]).fetchone()
    assert row[:3] == ("61/KH-UBND", "61/KH-UBND", "2021-03-16")
    assert json.loads(row[3])["number"] == "16/KH-UBND"  # the extraction is kept beside the correction
    summary = reparse(db)
    assert summary.files == 1 and not summary.failed
    assert db.execute("SELECT number, date FROM documents WHERE id = ?", [doc_id]).fetchone() == (
        "61/KH-UBND", "2021-03-16")
    assert [(h["field"], h["old_value"], h["who"]) for h in history(db, doc_id)] == [
        ("number", "16/KH-UBND", "Chuyên viên A"), ("date", "2021-03-15", "Chuyên viên A")]


@pytest.mark.parametrize("changes, message", [
    ({"colour": "x"}, "Không sửa được"), ({"date": "15/3/2021"}, "NNNN-TT-NN"), ({}, "Không có trường"),
    ({"number": 12}, "chuỗi"),
])
def test_bad_corrections_are_refused(db, changes: dict, message: str) -> None:
    doc_id = ingest_bytes(db, _plan("17/KH-UBND").encode(), "p.txt").documents[0]["id"]
    with pytest.raises(CorrectionError, match=message):
        correct(db, doc_id, changes, who="x")
    assert history(db, doc_id) == []


def test_unknown_document_cannot_be_corrected(db) -> None:
    with pytest.raises(LookupError):
        correct(db, 999, {"number": "1/QĐ-UBND"}, who="x")


def test_the_database_is_wal_and_the_tasks_are_rows(db) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    doc_id = ingest_bytes(db, _plan("18/KH-UBND").encode(), "p.txt").documents[0]["id"]
    rows = db.execute("SELECT t.title, t.due, u.role, u.unit FROM tasks t JOIN task_units u ON u.task_id = t.id "
                      "WHERE t.document_id = ? ORDER BY u.role", [doc_id]).fetchall()
    assert rows == [("Rà soát dữ liệu hộ tịch", "2021-06-30", "lead", "sở tư pháp"),
                    ("Rà soát dữ liệu hộ tịch", "2021-06-30", "support", "ủy ban nhân dân cấp huyện")]


def test_a_second_connection_reads_while_one_writes(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = open_db(path)
    ingest_bytes(writer, _plan("19/KH-UBND").encode(), "p.txt")
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_task_ids_and_statuses_survive_reparse(db) -> None:
    doc_id = ingest_bytes(db, _plan("20/KH-UBND").encode(), "p.txt").documents[0]["id"]
    before = db.execute("SELECT id, title FROM tasks WHERE document_id = ?", [doc_id]).fetchall()
    db.conn.execute("UPDATE tasks SET status = 'done', status_by = 'A' WHERE document_id = ?", [doc_id])
    db.conn.commit()
    reparse(db)
    after = db.execute("SELECT id, title, status, status_by FROM tasks WHERE document_id = ?", [doc_id]).fetchall()
    assert [(i, t) for i, t, _, _ in after] == before
    assert {(s, by) for _, _, s, by in after} == {("done", "A")}


def test_a_registry_from_before_the_fold_column_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_db(path)
    ingest_bytes(db, _plan("21/KH-UBND").encode(), "p.txt")
    db.conn.execute("ALTER TABLE tasks DROP COLUMN fold")
    db.conn.commit()
    db.conn.close()
    again = open_db(path)
    assert again.execute("SELECT fold FROM tasks").fetchone()[0] == "ra soat du lieu ho tich"


@pytest.mark.parametrize("seed, new_number", [("002_e58256e926890cfb.txt", "123/QĐ-UBND"),
                                              ("003_5bbd1d5b7062e50c.txt", "2186/QĐ-BTP")])
def test_a_corrected_decision_number_is_followed_by_the_plan_issued_with_it(db, seed: str, new_number: str) -> None:
    docs = ingest_bytes(db, (SEEDS / seed).read_bytes(), seed).documents
    decision = next(d for d in docs if d["doc_type"] == "Quyết định")
    plan = next(d for d in docs if d["doc_type"] == "Kế hoạch")
    assert number_key(plan["attached_to"]) == number_key(decision["number"])
    correct(db, decision["id"], {"number": new_number}, who="Chuyên viên B")
    row = db.execute("SELECT attached_to, attached_key FROM documents WHERE id = ?", [plan["id"]]).fetchone()
    assert row == (new_number, number_key(new_number))
    [h] = history(db, plan["id"])
    assert (h["field"], h["new_value"]) == ("attached_to", new_number)
    assert h["who"].startswith("Chuyên viên B") and f"#{decision['id']}" in h["who"]
    reparse(db)
    assert db.execute("SELECT attached_to FROM documents WHERE id = ?", [plan["id"]]).fetchone()[0] == new_number
