"""The registry's knowledge reaches the restorer: names and numbers it holds spell what a scan damaged.

Real registries under tmp_path, filled by the real ingest. A clean plan
registered first names units the rule files do not know; a scan of a slip
that lost its diacritics, registered next, has them respelled from the
registry, in this process and in a worker process (the knowledge travels as
the registry's path). A number read two ways in one scan is settled by the
number the registry holds.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from docparse.pipeline import parse_text
from docparse.registry.corrections import correct
from docparse.registry.db import open_db
from docparse.registry.ingest import ingest_bytes, ingest_paths
from docparse.registry.known import RegistryKnown, known_of
from tests.test_tracker import plan_text

#: Units no rule file names: only a registry that saw them can spell them.
UNITS = ("Ban Quản lý Khu kinh tế Vũng Áng", "Trung tâm Phát triển quỹ đất tỉnh")

CLEAN_PLAN = plan_text("31/KH-UBND", "02 tháng 4 năm 2024", "Kế hoạch giải phóng mặt bằng năm 2024", [
    ("Rà soát quỹ đất sạch", UNITS[0], UNITS[1], "Quý II/2024"),
    ("Lập phương án bồi thường", UNITS[1], "", "trước ngày 30/6/2024"),
])

#: A transmittal slip as OCR gives it: diacritics lost, both units damaged in the recipients.
SCANNED_SLIP = """UBND TINH HA TINH CONG HOA XA HQI CHU NGHIA VIET NAM
VAN PHONG Pdc lap - Tw do - Hanh phiic
sé: 27 /pPC-VP Ha Tinh, ngay 12 thdng 5 ndm 2024
PHIEU CHUYEN
Vé viée chuyen Quyét dinh sb 1207/QB-BNV ngay 03/5/2024 cua B6 Noi vu

Vin phong UBND tinh nhén duorc Quyét dinh sb 1207/QD-BNV ngay 03 thang 5 ndm 2024 ciia B6 Noi vu (dinh kém vin ban).
Noinhign: CHANH VAN PHONG
- Ban Quén ly Khu kinh té Vung Ang (dé thyc hién);
- Trung tam Phét trién quj dit tinh;
- Luuw: VT.
"""

#: The same slip from another office, reading the decision's number two ways (1207 once, 1201 once).
TWO_READINGS = SCANNED_SLIP.replace("sé: 27", "sé: 28").replace("sb 1207/QB-BNV", "sb 1201/QB-BNV")

CLEAN_DECISION = """BỘ NỘI VỤ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1207/QĐ-BNV
Hà Nội, ngày 03 tháng 5 năm 2024
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch cải cách hành chính năm 2024
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2024.
Nơi nhận:
- Như Điều 1;
- Lưu: VT.
BỘ TRƯỞNG
Nguyễn Văn B
"""


def recipients(result) -> list[str]:
    return [r.split(" (")[0] for r in result.documents[0]["recipients"]]


def test_without_the_registry_the_units_stay_damaged():
    got = parse_text(SCANNED_SLIP)[0].header.recipients
    assert not set(UNITS) & {r.split(" (")[0] for r in got}


@pytest.mark.parametrize("jobs", [0, 1])
def test_units_the_registry_holds_spell_a_scan(tmp_path: Path, jobs: int):
    """In this process (jobs=0) and in a worker (jobs=1), which reads the registry file itself."""
    db = open_db(tmp_path / "reg.db")
    (tmp_path / "plan.txt").write_text(CLEAN_PLAN, encoding="utf-8")
    (tmp_path / "slip.txt").write_text(SCANNED_SLIP, encoding="utf-8")
    [plan, slip] = ingest_paths(db, [tmp_path / "plan.txt", tmp_path / "slip.txt"], jobs=jobs)
    assert plan.status == slip.status == "created"
    assert set(UNITS) <= {r["name"] for r in db.query("SELECT name FROM units")}
    got = db.execute("SELECT recipients FROM documents WHERE number = '27/PC-VP'").fetchone()[0]
    assert all(u in got for u in UNITS), got


def test_a_number_the_registry_holds_settles_a_tie(tmp_path: Path):
    db = open_db(tmp_path / "reg.db")
    [alone] = ingest_bytes(db, TWO_READINGS.encode(), "slip-a.txt").documents
    cited = sorted(r[0] for r in db.execute("SELECT number FROM refs WHERE document_id = ?", [alone["id"]]))
    assert cited == ["1201/QĐ-BNV", "1207/QĐ-BNV"]  # nothing to settle it by

    db2 = open_db(tmp_path / "reg2.db")
    assert ingest_bytes(db2, CLEAN_DECISION.encode(), "decision.txt").status == "created"
    [doc] = ingest_bytes(db2, TWO_READINGS.encode(), "slip-b.txt").documents
    cited = [r[0] for r in db2.execute("SELECT number FROM refs WHERE document_id = ?", [doc["id"]])]
    assert cited == ["1207/QĐ-BNV"]


def test_an_in_memory_registry_is_asked_through_its_connection():
    db = open_db(":memory:")
    ingest_bytes(db, CLEAN_PLAN.encode(), "plan.txt")
    known = known_of(db)
    assert set(UNITS) <= set(known.name_list())
    assert known.knows_number("31/kh-ubnd") and not known.knows_number("32/KH-UBND")


def test_registry_knowledge_travels_as_a_path_and_sees_later_documents(tmp_path: Path):
    db = open_db(tmp_path / "reg.db")
    known = known_of(db)
    assert isinstance(known, RegistryKnown)
    assert len(pickle.dumps(known)) < 300  # a worker gets the path, not the registry's names
    assert known.name_list() == [] and not known.knows_number("1207/QĐ-BNV")
    ingest_bytes(db, CLEAN_DECISION.encode(), "decision.txt")
    assert "Bộ Nội vụ" in known.name_list()  # read when asked: what was written before
    ingest_bytes(db, CLEAN_PLAN.encode(), "plan.txt")
    assert set(UNITS) <= set(known.name_list())
    assert known.knows_number("1207/QD-BNV")  # matched by key: the scan's spelling too


def test_names_read_from_a_scan_are_not_learnt(tmp_path: Path):
    """A scan's names may be damaged ("Trung tâm Phát triển qui đít"): taught back, they would spread."""
    db = open_db(tmp_path / "reg.db")
    [slip] = ingest_bytes(db, SCANNED_SLIP.encode(), "slip.txt").documents
    assert slip["issuer"]
    assert known_of(db).name_list() == []


def test_a_corrected_issuer_is_learnt(tmp_path: Path):
    db = open_db(tmp_path / "reg.db")
    [slip] = ingest_bytes(db, SCANNED_SLIP.encode(), "slip.txt").documents
    assert correct(db, slip["id"], {"issuer": "Văn phòng Đoàn ĐBQH tỉnh Hà Tĩnh"}, "clerk")
    assert known_of(db).name_list() == ["Văn phòng Đoàn ĐBQH tỉnh Hà Tĩnh"]


def test_a_registry_older_than_spellings_knows_no_names(tmp_path: Path):
    db = open_db(tmp_path / "reg.db")
    ingest_bytes(db, CLEAN_PLAN.encode(), "plan.txt")
    db.execute("DROP TABLE spellings")
    db.conn.commit()
    known = known_of(db)
    assert known.name_list() == [] and known.knows_number("31/KH-UBND")


def test_cli_parse_with_a_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    import json

    from docparse.cli import main

    db = open_db(tmp_path / "reg.db")
    ingest_bytes(db, CLEAN_PLAN.encode(), "plan.txt")
    slip = tmp_path / "slip.txt"
    slip.write_text(SCANNED_SLIP, encoding="utf-8")
    assert main(["parse", "--registry", str(tmp_path / "none.db"), str(slip)]) == 2
    assert "không có sổ đăng ký" in capsys.readouterr().err
    assert main(["parse", "--registry", str(tmp_path / "reg.db"), str(slip)]) == 0
    got = json.loads(capsys.readouterr().out)["documents"][0]["recipients"]
    assert all(any(r.startswith(u) for r in got) for u in UNITS), got
