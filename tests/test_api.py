"""The service end to end: FastAPI's test client over a real SQLite file, and a real uvicorn on loopback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import live_server

from api.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
KEY = "khoa-thu-nghiem-123"
AUTH = {"X-API-Key": KEY}


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("api") / "reg.db"
    with TestClient(create_app(db, api_keys=[f"Chuyên viên A:{KEY}"])) as c:
        r = c.post("/api/documents", files=_files(SEEDS), headers=AUTH)
        assert r.status_code == 201, r.text
        yield c


def _doc(client: TestClient, number: str) -> dict:
    hits = client.get("/api/search", params={"q": number}).json()["results"]
    assert hits, number
    return client.get(f"/api/documents/{hits[0]['id']}").json()


@pytest.mark.parametrize("headers, code", [({}, 401), ({"X-API-Key": "sai"}, 401),
                                           ({"Authorization": f"Bearer {KEY}"}, 200)])
def test_writing_needs_a_key(client: TestClient, headers: dict, code: int) -> None:
    r = client.post("/api/documents", files=_files(SEEDS[:1]), headers=headers)
    assert r.status_code == code
    if code == 401:
        assert "khóa" in r.json()["detail"].lower()


def test_no_configured_key_means_no_writing(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "r.db", api_keys=[])) as c:
        r = c.post("/api/documents", files=_files(SEEDS[:1]), headers=AUTH)
        assert r.status_code == 403 and "chưa cấu hình" in r.json()["detail"]


def test_upload_reports_each_file(client: TestClient) -> None:
    r = client.post("/api/documents", headers=AUTH, files=[
        *_files(SEEDS[:1]),
        ("files", ("rong.txt", b"", "text/plain")),
        ("files", ("hong.docx", b"PK\x03\x04garbage", "application/octet-stream")),
    ])
    assert r.status_code == 200  # nothing new: the seed is there already, the rest refused
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["existing", "error", "error"]
    assert res[1]["error"].startswith("Tệp rỗng")
    r = client.post("/api/documents", headers=AUTH, files=[("files", ("rong.txt", b"", "text/plain"))])
    assert r.status_code == 422


def test_a_document_and_its_original(client: TestClient) -> None:
    doc = _doc(client, "3510/KH-UBND")
    assert doc["doc_type"] == "Kế hoạch" and doc["tasks"] and doc["links"]["outgoing"]
    original = client.get(doc["file"]["download"])
    assert original.status_code == 200
    assert original.content == (ROOT / "corpus" / "seeds" / doc["file"]["name"]).read_bytes()
    assert client.get("/api/documents/999999").status_code == 404
    assert client.get("/api/files/" + "0" * 64).status_code == 404


def test_a_correction_is_audited_and_searchable(client: TestClient) -> None:
    doc = _doc(client, "148/QĐ-BTP")
    r = client.patch(f"/api/documents/{doc['id']}", json={"number": "1480/QĐ-BTP"}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["corrections"][0]["who"] == "Chuyên viên A"
    again = client.get(f"/api/documents/{doc['id']}").json()
    assert again["number"] == "1480/QĐ-BTP" and again["extracted"]["number"] == "148/QĐ-BTP"
    assert [h["new_value"] for h in again["corrections"]] == ["1480/QĐ-BTP"]
    assert client.get("/api/search", params={"q": "1480/qd-btp"}).json()["results"][0]["id"] == doc["id"]
    assert client.patch(f"/api/documents/{doc['id']}", json={"number": "x"}).status_code == 401
    assert client.patch(f"/api/documents/{doc['id']}", json={"mau": "x"}, headers=AUTH).status_code == 400


def test_links_and_chain_answer(client: TestClient) -> None:
    doc = _doc(client, "2168/QĐ-BTP")
    links = client.get(f"/api/documents/{doc['id']}/links").json()
    assert set(links) >= {"outgoing", "incoming"}
    assert client.get(f"/api/documents/{doc['id']}/chain").status_code == 200
    assert client.get(f"/api/documents/{doc['id']}/implementations").status_code == 200
    assert client.get("/api/documents/999999/links").status_code == 404


@pytest.mark.parametrize("q", ['"unbalanced', "AND", "NOT OR", "*", "a:b", "(((", "NEAR(",
                               "'; DROP TABLE documents; --", "", "x" * 400])
def test_malformed_queries_never_fail(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text
    assert set(r.json()) >= {"total", "results"}


def test_search_shape(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "ho tich"}).json()
    assert body["total"] >= 1
    assert set(body["results"][0]) >= {"id", "number", "doc_type", "issuer", "date", "subject", "snippet"}


def test_tracker_filters_and_exports(client: TestClient) -> None:
    short = client.get("/api/tasks", params={"unit": "UBND cấp huyện"}).json()
    full = client.get("/api/tasks", params={"unit": "Ủy ban nhân dân cấp huyện"}).json()
    assert short["total"] == full["total"] > 0
    csv_r = client.get("/api/tasks", params={"unit": "UBND cấp huyện", "format": "csv"})
    assert csv_r.status_code == 200 and "csv" in csv_r.headers["content-type"]
    rows = list(csv.reader(io.StringIO(csv_r.content.decode("utf-8-sig"))))
    assert len(rows) == short["total"] + 1
    for fmt, kind in (("xlsx", "spreadsheetml"), ("ics", "calendar")):
        r = client.get("/api/tasks", params={"format": fmt})
        assert r.status_code == 200 and kind in r.headers["content-type"] and r.content
    task = full["results"][0]
    assert client.patch(f"/api/tasks/{task['id']}", json={"status": "done"}, headers=AUTH).status_code == 200
    assert client.get(f"/api/tasks/{task['id']}").json()["status"] == "done"
    assert client.patch(f"/api/tasks/{task['id']}", json={"status": "xong"}, headers=AUTH).status_code == 400
    assert client.get("/api/tasks", params={"status": "bogus"}).status_code == 422


def test_openapi_documents_every_endpoint_in_vietnamese(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/links",
                 "/api/search", "/api/tasks", "/api/files/{sha256}"):
        assert path in paths
    for ops in paths.values():
        for op in ops.values():
            assert op.get("summary") and any(c in op["summary"] for c in "ăâđêôơưàáạảãềếệểễ"), op.get("summary")
    examples = str(paths["/api/search"]["get"]["parameters"])
    assert "2168/QĐ-BTP" in examples and "ho tich" in examples


def test_review_queue_lists_uncertain_documents_first(client: TestClient) -> None:
    queue = client.get("/api/documents", params={"review": True}).json()["results"]
    assert queue and all(d["warnings"] for d in queue)


# ----------------------------------------------------------------- a real server on loopback


def test_a_real_uvicorn_serves_the_registry(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with live_server(tmp_path / "live.db", f"thu-nghiem:{KEY}", log) as base:
        r = httpx.post(f"{base}/api/documents", files=_files(SEEDS[1:2]), headers=AUTH, timeout=120)
        assert r.status_code == 201, r.text
        hits = httpx.get(f"{base}/api/search", params={"q": "3510/kh-ubnd"}).json()
        assert hits["total"] == 1 and hits["results"][0]["number"] == "3510/KH-UBND"
        assert (tmp_path / "live.db").exists()
    text = log.read_text()
    assert "POST /api/documents" in text  # the access log ran ...
    assert KEY not in text  # ... and never printed the key
