"""The pages in a real browser: Playwright drives Debian's Chromium against a real uvicorn on loopback.

One clerk's session, as the README's first command sets it up: log in with
the key, upload the seed bundle (drag and drop too), review the document the
reader was unsure of and correct its number in place, find it by search with
and without diacritics, follow a ministry decision to the provinces' plans
and back up the chain, export the tracker.

Screenshots of every page go to the test's temporary folder; set
``DOCPARSE_SCREENSHOTS=docs/screenshots`` to keep them (the README's pictures).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from live_server import live_server

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY = "doi-khoa-nay"  # the README's first command: DOCPARSE_API_KEYS=demo:doi-khoa-nay
NAME = "demo"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                              "(pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("browser")
    log = tmp / "server.log"
    with live_server(tmp / "reg.db", f"{NAME}:{KEY}", log) as base:
        yield base
    assert KEY not in log.read_text()  # the key typed in the login form is never logged


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def shots(tmp_path: Path):
    keep = os.environ.get("DOCPARSE_SCREENSHOTS")
    folder = Path(keep) if keep else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str, full: bool = False) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full)

    return shoot


def test_a_clerk_uploads_reviews_corrects_searches_follows_links_and_exports(server, browser, shots,
                                                                              tmp_path: Path) -> None:
    expect = sync_api.expect
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 500 or (r.status == 404 and "/static/" in r.url) else None)

    # ---- the first page says what to do; the login page says what to type, typed by keyboard only
    page.goto(server + "/")
    expect(page.get_by_text("đăng nhập bằng khóa")).to_be_visible()
    page.get_by_role("link", name="đăng nhập bằng khóa").click()
    expect(page.locator("main")).to_contain_text("doi-khoa-nay")  # where the key comes from
    shots(page, "00-dang-nhap")
    expect(page.locator("#key")).to_be_focused()
    page.keyboard.type(KEY)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("who")).to_have_text(NAME)
    assert page.url == server + "/"

    # ---- upload: many files picked at once, each with its result; a bad file in plain words
    page.set_input_files("#files", [{"name": p.name, "mimeType": "text/plain", "buffer": p.read_bytes()} for p in SEEDS]
                         + [{"name": "hong.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 khong phai pdf"}])
    page.get_by_role("button", name="Tải lên").click()
    items = page.locator("#upload-results .upload-item")
    expect(items).to_have_count(len(SEEDS) + 1)
    expect(page.locator("#upload-done")).to_be_visible(timeout=60_000)
    bundle = items.filter(has_text="003_")
    expect(bundle).to_contain_text("Đã ghi vào sổ: 3 văn bản")  # slip + decision + plan
    expect(bundle.locator("li")).to_have_count(3)
    expect(bundle).to_contain_text("Quyết định 2168/QĐ-BTP")
    expect(items.filter(has_text="002_")).to_contain_text("Số văn bản để trống")
    expect(items.filter(has_text="hong.pdf")).to_contain_text("Không đọc được tệp này")
    # drag and drop: the same file again is recognised, not registered twice
    page.evaluate("""(text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "keo-tha.txt", {type: "text/plain"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
    }""", SEEDS[1].read_text(encoding="utf-8"))
    expect(items).to_have_count(len(SEEDS) + 2)
    expect(items.last).to_contain_text("Tệp này đã có trong sổ", timeout=30_000)
    shots(page, "01-tai-len", full=True)

    # ---- the review queue puts the uncertain document first; fields beside the source, lit where read
    page.goto(server + "/?list=review")
    first = page.locator("table.docs tbody tr").first
    expect(first).to_contain_text("Số văn bản để trống")
    first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Quyết định /QĐ-UBND")
    number = page.locator("#field-number")
    number.get_by_role("button", name="Xem trong văn bản").click()
    lit = page.locator("#source span.on")
    expect(lit.first).to_be_visible()
    assert "/QĐ-UBND" in "".join(lit.all_inner_texts())
    # correct the number in place, by keyboard
    number.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#in-number")).to_be_visible()
    page.locator("#in-number").fill("125/QĐ-UBND")
    page.locator("#in-number").press("Enter")
    expect(page.locator("#live")).to_contain_text("Đã lưu Số, ký hiệu: 125/QĐ-UBND")
    expect(number.locator("[data-value]")).to_have_text("125/QĐ-UBND")
    expect(page.locator("#history tbody tr").first).to_contain_text(NAME)
    expect(page.locator("h1")).to_have_text("Quyết định 125/QĐ-UBND")
    expect(page.locator("#warnings")).not_to_contain_text("Số văn bản để trống")  # no reload needed
    doc_url = page.url
    page.reload()  # stored, not only shown
    expect(page.locator("#field-number [data-value]")).to_have_text("125/QĐ-UBND")
    page.locator("#field-number").get_by_role("button", name="Xem trong văn bản").click()
    shots(page, "02-kiem-tra-va-sua")

    # ---- search: the corrected number, with and without diacritics; words likewise
    for q in ("125/QĐ-UBND", "125/qd-ubnd"):
        page.goto(server + "/search")
        page.locator("#q").fill(q)
        page.locator("#q").press("Enter")
        expect(page.locator(".results a").first).to_have_attribute("href", doc_url.removeprefix(server))
    for q in ("đăng ký hộ tịch", "dang ky ho tich"):
        page.goto(server + "/search")
        page.locator("#q").fill(q)
        page.locator("#type").select_option("Kế hoạch")
        page.get_by_role("button", name="Tìm", exact=True).click()
        expect(page.locator(".count")).to_contain_text("Tìm thấy")
        expect(page.locator(".snippet mark").first).to_be_visible()
        expect(page.locator(".results")).to_contain_text("Kế hoạch 3510/KH-UBND")
    shots(page, "03-tim-kiem")

    # ---- links: the ministry decision, the provinces implementing it, and back up the chain
    page.goto(server + "/search?q=2168%2FQĐ-BTP")
    page.locator(".results a").first.click()
    expect(page.locator("h1")).to_have_text("Quyết định 2168/QĐ-BTP")
    impl = page.locator("#impl")
    expect(impl).to_contain_text("tỉnh Bình Định")
    expect(impl.locator("td.took").first).to_be_visible()
    expect(page.locator("#incoming")).to_contain_text("Phiếu chuyển 7049/PC-VP")
    page.locator("#impl-h").scroll_into_view_if_needed()
    shots(page, "04-quyet-dinh-va-cac-tinh")
    impl.locator("thead").get_by_role("link", name="tỉnh Bình Định").click()
    chain = page.locator("#chain")
    expect(chain).to_contain_text("Quyết định 125/QĐ-UBND")  # the corrected number, followed by the links
    expect(page.locator("#field-attached_to [data-value]")).to_have_text("125/QĐ-UBND")  # and by the plan
    expect(chain.get_by_role("link", name="Quyết định 2168/QĐ-BTP")).to_be_visible()
    page.locator("#chain-h").scroll_into_view_if_needed()
    shots(page, "05-chuoi-ke-hoach")

    # ---- tracker: this plan's tasks, overdue in red; a status set; the three exports
    page.get_by_role("link", name="Theo dõi các nhiệm vụ này, lọc và xuất tệp").click()
    expect(page.locator("h1")).to_have_text("Theo dõi nhiệm vụ")
    rows = page.locator("table.tracker tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator(".state.overdue").first).to_have_css("color", "rgb(179, 38, 30)")
    row = rows.first
    row.locator("select").select_option("done")
    row.get_by_role("button", name="Lưu").click()
    expect(row.locator("[data-state]")).to_have_text("Đã xong")
    expect(page.locator("#live")).to_contain_text("Đã lưu trạng thái")
    expect(page.locator("#status option")).to_have_count(7)  # the filters are untouched
    shots(page, "06-theo-doi-nhiem-vu")
    for label, suffix, head in (("Tải CSV", ".csv", "\ufeff".encode() + b"STT"),
                                ("Tải Excel (XLSX)", ".xlsx", b"PK"), ("Tải lịch (iCalendar)", ".ics", b"BEGIN:VCALENDAR")):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename.endswith(suffix)
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.read_bytes().startswith(head), label

    # ---- an unknown document: a Vietnamese page, not JSON
    page.goto(server + "/documents/987654")
    expect(page.locator("h1")).to_have_text("Không tìm thấy")
    assert not errors, errors
    ctx.close()


def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(server, browser) -> None:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    page.goto(server + "/tracker")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return [e.tagName, e.id || e.textContent.trim().slice(0, 20) || e.name, s.outlineStyle, s.outlineWidth]; }""")
        seen.append(info)
        assert info[2] != "none" and info[3] != "0px", info  # the focus ring shows
    names = {s[1] for s in seen}
    assert {"unit", "role", "status", "due_from", "due_to"} <= names
    assert any(re.match("Tải CSV", s[1]) for s in seen)
    ctx.close()
