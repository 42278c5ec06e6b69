"""The pages for people, rendered server-side: FastAPI's test client over a registry holding the seeds."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import pages_view as v
from api.app import create_app
from api.auth import SESSION_COOKIE
from docparse.registry.db import connect

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
KEY = "khoa-trang-456"
NAME = "Chuyên viên B"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("pages") / "reg.db"
    app = create_app(db, api_keys=[f"{NAME}:{KEY}"])
    with TestClient(app) as c:
        files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in SEEDS]
        assert c.post("/api/documents", files=files, headers={"X-API-Key": KEY}).status_code == 201
    return app


@pytest.fixture()
def client(app) -> TestClient:
    return TestClient(app)


@pytest.fixture()
def clerk(app) -> TestClient:
    """A browser that has logged in through the login page."""
    c = TestClient(app)
    r = c.post("/login", data={"key": KEY, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return c


def _id(client: TestClient, q: str, **filters: str) -> int:
    hits = client.get("/api/search", params={"q": q, **filters}).json()["results"]
    assert hits, q
    return hits[0]["id"]


@pytest.fixture(scope="module")
def ids(app) -> dict[str, int]:
    c = TestClient(app)
    return {"decision": _id(c, "2168/QĐ-BTP"), "cao_bang": _id(c, "3510/KH-UBND"),
            "binh_dinh_plan": _id(c, "Bình Định", type="Kế hoạch")}


class _Form(HTMLParser):
    """Collects form controls, labels and ids of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.buttons = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append({"tag": tag, **a})
        if tag == "button":
            self.buttons += 1


def _unlabelled(html: str) -> list[dict]:
    p = _Form()
    p.feed(html)
    assert p.lang == "vi"
    return [c for c in p.controls if not (c.get("id") in p.label_for or c.get("aria-label"))]


# ---------------------------------------------------------------- every page


def test_every_page_renders_with_a_label_on_every_field(client: TestClient, clerk: TestClient,
                                                        ids: dict[str, int]) -> None:
    urls = ["/", "/?list=review", "/search", "/search?q=hộ+tịch", "/tracker", f"/tracker?plan={ids['cao_bang']}",
            "/login", *(f"/documents/{i}" for i in range(1, 11))]
    for c in (client, clerk):
        for url in urls:
            r = c.get(url, headers=HTML)
            assert r.status_code == 200, url
            assert r.headers["content-type"].startswith("text/html")
            assert _unlabelled(r.text) == [], url
            ids_on_page = re.findall(r'\sid="([^"]+)"', r.text)
            assert len(ids_on_page) == len(set(ids_on_page)), url  # labels and scripts find the right element


def test_home_lists_recent_documents_and_the_review_queue(client: TestClient) -> None:
    page = client.get("/").text
    assert 'id="upload-form"' in page and 'type="file"' in page and "multiple" in page
    assert "Kéo thả tệp vào đây" in page
    assert "Kế hoạch 3510/KH-UBND" in page and "Quyết định 2168/QĐ-BTP" in page
    assert "đăng nhập bằng khóa" in page  # not logged in: says what to do first
    review = client.get("/?list=review").text
    queue = [m for m in re.findall(r'<a href="/documents/(\d+)">', review)]
    api = client.get("/api/documents", params={"review": "true", "limit": 25}).json()["results"]
    assert [int(x) for x in queue] == [d["id"] for d in api]  # the API's order: most warnings first
    assert "Số văn bản để trống" in review and "Cần kiểm tra (" in review


def test_lists_are_paged_and_paging_keeps_the_filters(client: TestClient, monkeypatch) -> None:
    from api import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    page = client.get("/search", params={"q": "hộ tịch", "type": "Kế hoạch"}).text
    assert "1–3 trong" in page
    nxt = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert "type=K" in nxt and "page=2" in nxt and "q=" in nxt
    second = client.get(nxt).text
    assert "4–" in second and 'rel="prev"' in second
    home = client.get("/", params={"page": 2}).text
    assert home.count('<a href="/documents/') == 3 and "Trang 2/4" in home


def test_an_unknown_document_gets_a_vietnamese_404_page(client: TestClient) -> None:
    r = client.get("/documents/999999", headers=HTML)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in r.text and "Không có văn bản #999999" in r.text and 'lang="vi"' in r.text
    r = client.get("/khong-co-trang-nay", headers=HTML)
    assert r.status_code == 404 and "Không có trang này" in r.text
    api = client.get("/api/documents/999999", headers=HTML)  # the API keeps answering JSON
    assert api.status_code == 404 and api.json()["detail"] == "Không có văn bản #999999"


# ---------------------------------------------------------------- review and correct


def test_document_page_shows_fields_beside_the_source_with_spans(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/documents/{ids['cao_bang']}").text
    assert "Các trường đã đọc" in page and "Văn bản gốc" in page
    assert 'id="source"' in page
    for field in ("doc_type", "number", "issuer", "date", "subject"):
        assert f'data-k="f-{field}"' in page  # a button that lights the field ...
        assert re.search(rf'<span data-k="[^"]*\bf-{field}\b[^"]*" class="hf">', page)  # ... and its source
    number = re.search(r'<span data-k="[^"]*\bf-number\b[^"]*"[^>]*>([^<]*)<', page)
    assert number and "3510" in number.group(1)
    assert "09/10/2019" in page  # dates as dd/mm/yyyy
    assert 'data-k="t-0"' in page  # tasks can be shown in the text too
    assert "Đăng nhập</a> để sửa" in page and 'class="correct"' not in page  # no forms before login


def test_a_document_without_spans_still_renders(app, client: TestClient, ids: dict[str, int]) -> None:
    doc = ids["cao_bang"]
    db = connect(app.state.db_path)
    try:
        old = db.execute("SELECT extracted FROM documents WHERE id = ?", [doc]).fetchone()[0]
        stripped = json.loads(old)
        stripped.pop("spans", None)
        with db.conn:
            db.conn.execute("UPDATE documents SET extracted = ? WHERE id = ?", [json.dumps(stripped), doc])
        page = client.get(f"/documents/{doc}").text
        assert "chưa có vị trí các trường" in page and "data-k=" not in page
        assert "3510/KH-UBND" in page
    finally:
        with db.conn:
            db.conn.execute("UPDATE documents SET extracted = ? WHERE id = ?", [old, doc])
        db.conn.close()


def test_login_sets_an_httponly_cookie_that_is_not_the_key(app) -> None:
    c = TestClient(app)
    page = c.get("/login").text
    assert 'for="key"' in page and "DOCPARSE_API_KEYS" in page and "doi-khoa-nay" in page
    bad = c.post("/login", data={"key": "sai-roi", "next": "/"})
    assert bad.status_code == 401 and "Khóa không đúng" in bad.text and "sai-roi" not in bad.text
    r = c.post("/login", data={"key": KEY, "next": "/documents/1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents/1"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert KEY not in cookie
    assert NAME in c.get("/").text
    away = c.post("/login", data={"key": KEY, "next": "//evil.example/x"}, follow_redirects=False)
    assert away.headers["location"] == "/"  # never sends anyone to another site
    c.post("/logout", data={"next": "/"})
    assert SESSION_COOKIE not in c.cookies and NAME not in c.get("/").text


def test_the_cookie_authorises_the_api_from_the_pages_only(clerk: TestClient, app, ids: dict[str, int]) -> None:
    doc = ids["binh_dinh_plan"]
    anonymous = TestClient(app).patch(f"/api/documents/{doc}", json={"place": "Bình Định"})
    assert anonymous.status_code == 401 and "đăng nhập" in anonymous.json()["detail"]
    other_site = clerk.patch(f"/api/documents/{doc}", json={"place": "Bình Định"},
                             headers={"Origin": "http://evil.example"})
    assert other_site.status_code == 401
    r = clerk.patch(f"/api/documents/{doc}", json={"place": "Bình Định"})
    assert r.status_code == 200, r.text
    assert r.json()["corrections"][0]["who"] == NAME


def test_correcting_a_field_from_the_page_goes_to_the_audit_trail(clerk: TestClient, ids: dict[str, int]) -> None:
    doc = ids["binh_dinh_plan"]
    page = clerk.get(f"/documents/{doc}").text
    assert 'class="correct"' in page and 'for="in-number"' in page
    r = clerk.post(f"/documents/{doc}/fields", data={"field": "date", "value": "15/03/2021"})
    assert r.status_code == 200 and "Đã lưu: Ngày ban hành." in r.text
    view = clerk.get(f"/api/documents/{doc}").json()
    assert view["date"] == "2021-03-15"
    assert view["corrections"][-1] | {"at": None} == {"field": "date", "old_value": "2021-03", "new_value": "2021-03-15",
                                                      "who": NAME, "at": None}
    page = clerk.get(f"/documents/{doc}").text
    assert "15/03/2021" in page and "đã sửa" in page and "Máy đọc được: 03/2021" in page
    history = page.split('id="history"')[1].split("</table>")[0]
    assert NAME in history and "Ngày ban hành" in history and "03/2021" in history
    bad = clerk.post(f"/documents/{doc}/fields", data={"field": "date", "value": "ngày mai"})
    assert bad.status_code == 200 and "Ngày phải có dạng" in bad.text


def test_forms_need_a_login(client: TestClient, ids: dict[str, int]) -> None:
    r = client.post(f"/documents/{ids['cao_bang']}/fields", data={"field": "number", "value": "1/X"})
    assert r.status_code == 401 and "Cần đăng nhập" in r.text
    r = client.post("/upload", files=[("files", ("a.txt", b"x", "text/plain"))])
    assert r.status_code == 401


def test_upload_form_without_script_reports_each_file(clerk: TestClient) -> None:
    files = [("files", (SEEDS[1].name, SEEDS[1].read_bytes(), "text/plain")),
             ("files", ("rong.txt", b"", "text/plain")),
             ("files", ("hong.pdf", b"%PDF-1.4 hong", "application/pdf"))]
    page = clerk.post("/upload", files=files).text
    assert "Tệp này đã có trong sổ" in page and "Kế hoạch 3510/KH-UBND" in page
    assert "Tệp rỗng" in page
    assert page.count("Không đọc được tệp này") == 2


def test_upload_form_refuses_an_oversized_request_before_reading_it(clerk: TestClient) -> None:
    from api.documents import MAX_REQUEST

    body = b"x" * 1024
    r = clerk.post("/upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=b",
                                                     "Content-Length": str(MAX_REQUEST + 1)})
    assert r.status_code == 413 and "quá lớn" in r.text


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("q", ["đăng ký hộ tịch", "dang ky ho tich"])
def test_search_with_or_without_diacritics(client: TestClient, q: str) -> None:
    page = client.get("/search", params={"q": q}).text
    assert "Tìm thấy" in page and "<mark>" in page
    assert "Kế hoạch 3510/KH-UBND" in page and 'href="/documents/' in page


def test_search_by_number_and_filters(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/search", params={"q": "qd 2168"}).text
    assert "Số hiệu khớp" in page and f'href="/documents/{ids["decision"]}"' in page
    page = client.get("/search", params={"q": "hộ tịch", "type": "Kế hoạch", "year": "2019"}).text
    assert "Kế hoạch 3510/KH-UBND" in page and "Quyết định 2168" not in page
    assert '<option value="Kế hoạch" selected>' in page
    page = client.get("/search", params={"issuer": "Bộ Tư pháp"}).text
    assert "Quyết định 148/QĐ-BTP" in page and "3510/KH-UBND" not in page
    bad = client.get("/search", params={"q": "x", "year": "năm ngoái"})
    assert bad.status_code == 200 and "Năm phải là một số" in bad.text


# ---------------------------------------------------------------- links


def test_decision_page_shows_the_provinces_implementing_it(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/documents/{ids['decision']}").text
    assert "Các tỉnh triển khai" in page
    table = page.split('id="impl"')[1].split("</table>")[0]
    assert "tỉnh Bình Định" in table and f'/documents/{ids["binh_dinh_plan"]}#task-' in table
    assert "Xây dựng Thông tư hướng dẫn" in table and "—" in table  # some tasks taken up, some not
    incoming = page.split('id="incoming"')[1].split("</ul>")[0]
    assert "Phiếu chuyển 7049/PC-VP" in incoming and "chuyển văn bản này" in incoming


def test_plan_page_shows_its_chain_up_to_the_ministry_decision(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/documents/{ids['binh_dinh_plan']}").text
    chain = page.split('id="chain"')[1].split("</ol>")[0]
    assert f'href="/documents/{ids["decision"]}"' in chain and "Quyết định 2168/QĐ-BTP" in chain
    assert chain.index("/QĐ-UBND") < chain.index("2168/QĐ-BTP")  # plan → its decision → the ministry's
    assert "ban hành kèm theo" in chain and "căn cứ" in chain
    outgoing = page.split('id="outgoing"')[1].split("</ul>")[0]
    assert "chưa có trong sổ" in outgoing or "href" in outgoing


# ---------------------------------------------------------------- tracker


def test_tracker_lists_tasks_with_states_filters_and_exports(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/tracker").text
    assert 'class="state overdue"' in page  # the seeds' deadlines are long past
    for fmt in ("csv", "xlsx", "ics"):
        assert f'name="format" value="{fmt}"' in page
    page = client.get("/tracker", params={"plan": ids["cao_bang"], "unit": "Sở Tư pháp", "role": "lead"}).text
    assert "Đang xem nhiệm vụ của" in page and "3510/KH-UBND" in page
    exports = page.split('class="exports"')[1].split("</form>")[0]
    assert f'name="plan" value="{ids["cao_bang"]}"' in exports and 'name="unit" value="Sở Tư pháp"' in exports
    r = client.get("/api/tasks", params={"plan": ids["cao_bang"], "unit": "Sở Tư pháp", "role": "lead",
                                         "format": "csv"})
    assert r.status_code == 200 and "Sở Tư pháp" in r.content.decode("utf-8-sig")
    dated = client.get("/tracker", params={"due_from": "01/10/2019", "due_to": "12/2019"}).text
    assert 'value="01/10/2019"' in dated and 'name="due_to" value="2019-12-31"' in dated
    bad = client.get("/tracker", params={"due_from": "hôm qua"})
    assert bad.status_code == 200 and "phải là ngày" in bad.text


def test_tracker_status_form(clerk: TestClient, ids: dict[str, int]) -> None:
    page = clerk.get("/tracker", params={"plan": ids["cao_bang"]}).text
    task = int(re.search(r'data-task="(\d+)"', page).group(1))
    r = clerk.post(f"/tracker/tasks/{task}", data={"status": "done", "back": "/tracker?plan=1"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tracker?plan=1"
    assert clerk.get(f"/api/tasks/{task}").json()["status_by"] == NAME


# ---------------------------------------------------------------- pieces


def test_static_files_and_templates_ship_with_the_package() -> None:
    from importlib.resources import files

    pkg = files("api")
    for name in ("templates/base.html", "templates/document.html", "static/app.css", "static/app.js"):
        assert (pkg / name).is_file(), name
    js = (pkg / "static/app.js").read_text(encoding="utf-8")
    assert "http://" not in js and "https://" not in js  # nothing fetched from elsewhere


def test_page_loads_nothing_from_other_sites(client: TestClient, ids: dict[str, int]) -> None:
    for url in ("/", f"/documents/{ids['decision']}", "/tracker"):
        page = client.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', page), url


@pytest.mark.parametrize("iso, shown", [("2020-10-26", "26/10/2020"), ("2021-03", "03/2021"), ("2021", "2021"),
                                        (None, ""), ("khác", "khác")])
def test_dates_are_shown_day_first(iso, shown) -> None:
    assert v.vn_date(iso) == shown


@pytest.mark.parametrize("typed, iso", [("26/10/2020", "2020-10-26"), ("6/3/2021", "2021-03-06"),
                                        ("03/2021", "2021-03"), ("2021", "2021"), ("2020-10-26", "2020-10-26"),
                                        ("26.10.2020", "2020-10-26"), ("", ""), ("mai", "mai")])
def test_typed_dates_become_iso(typed, iso) -> None:
    assert v.iso_from_vn(typed) == iso


def test_source_html_cuts_at_every_boundary_and_escapes() -> None:
    body = "Số: 12/QĐ-UB <b>x</b>"
    keys = v.span_keys({"number": [[4, 13]], "references": [[[0, 8]]], "tasks": [{"task": [0, 21], "title": []}],
                        "date": "hỏng", "issuer": [[5, 2]], "subject": [[30, 99]]})
    assert set(keys) == {"f-number", "f-subject", "r-0", "t-0"}  # malformed and inverted spans are dropped
    html = str(v.source_html(body, keys))
    assert "f-subject" not in html  # past the end of the text: clipped away
    assert html.startswith('<span data-k="r-0 t-0">Số: </span>')
    assert '<span data-k="f-number r-0 t-0" class="hf">12/Q</span>' in html
    assert '<span data-k="f-number t-0" class="hf">Đ-UB </span>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">") == body
