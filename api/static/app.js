/* docparse pages: upload with progress, corrections in place, highlight of a field in the source,
   task status. Plain JavaScript, no library, no build step. Every form also works without it. */
"use strict";

(function () {
  const STATE_LABELS = {overdue: "Quá hạn", due_soon: "Sắp đến hạn", open: "Chưa xong", done: "Đã xong",
                        no_date: "Không có hạn"};

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  function vnDate(iso) {
    if (!iso) return "";
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(iso);
    if (!m) return iso;
    if (m[3]) return `${m[3]}/${m[2]}/${m[1]}`;
    return m[2] ? `${m[2]}/${m[1]}` : m[1];
  }

  /* "26/10/2020" → "2020-10-26", "10/2020" → "2020-10", "2020" → "2020"; anything else as typed. */
  function isoFromVn(text) {
    const t = (text || "").trim();
    if (!t || /^\d{4}(-\d{2}(-\d{2})?)?$/.test(t)) return t;
    const m = /^(?:(\d{1,2})\s*[/.-]\s*)?(?:(\d{1,2})\s*[/.-]\s*)?(\d{4})$/.exec(t);
    if (!m) return t;
    const p = (x) => String(x).padStart(2, "0");
    if (m[1] && m[2]) return `${m[3]}-${p(m[2])}-${p(m[1])}`;
    if (m[1]) return `${m[3]}-${p(m[1])}`;
    return m[3];
  }

  function docTitle(d) {
    const kind = d.doc_type || "Văn bản";
    const number = (d.number || "").trim();
    if (number && !number.startsWith("/")) return `${kind} ${number}`;
    if (d.attached_to) return `${kind} (kèm theo ${d.attached_to})`;
    if (number) return `${kind} ${number} (số để trống)`;
    return `${kind} #${d.id}`;
  }

  function problemText(status, body) {
    if (status === 401) return "Cần đăng nhập trước (trang Đăng nhập, gõ khóa API).";
    if (body && typeof body.detail === "string") {
      return body.detail + (body.problems ? ": " + body.problems.join("; ") : "");
    }
    return `Máy chủ trả lời lỗi ${status}.`;
  }

  function say(node, text, bad) {
    if (!node) return;
    node.textContent = text;
    node.classList.toggle("problem", !!bad);
    node.classList.toggle("ok", !bad);
  }

  /* ------------------------------------------------------------ upload */

  function setupUpload() {
    const form = document.getElementById("upload-form");
    if (!form) return;
    const input = document.getElementById("files");
    const drop = document.getElementById("drop");
    const list = document.getElementById("upload-results");
    const maxBytes = Number(form.dataset.maxBytes || 0);
    const queue = [];
    let busy = false;

    function renderResult(item, r) {
      item.className = "upload-item " + r.status;
      const out = item.querySelector(".outcome");
      out.replaceChildren();
      if (r.status === "error") {
        out.append(el("p", {class: "problem", text: "Không đọc được tệp này: " + r.error}));
        return;
      }
      out.append(el("p", {text: (r.status === "created" ? "Đã ghi vào sổ: " : "Tệp này đã có trong sổ: ")
                                + r.documents.length + " văn bản"}));
      for (const w of r.warnings || []) out.append(el("span", {class: "warn", text: w}), " ");
      const ul = el("ul");
      for (const d of r.documents) {
        const li = el("li", {}, el("a", {href: "/documents/" + d.id, text: docTitle(d)}));
        if (d.date) li.append(", ngày " + vnDate(d.date));
        if (d.tasks) li.append(`, ${d.tasks} nhiệm vụ`);
        for (const w of d.warnings || []) li.append(" ", el("span", {class: "warn", text: w}));
        ul.append(li);
      }
      out.append(ul);
    }

    function fail(item, text, withLogin) {
      item.className = "upload-item error";
      const out = item.querySelector(".outcome");
      const p = el("p", {class: "problem", text: text + " "});
      if (withLogin) p.append(el("a", {href: "/login?next=/", text: "Đăng nhập"}));
      out.replaceChildren(p);
      item.querySelector(".progress").remove();
    }

    function send(job) {
      const {file, item} = job;
      const bar = item.querySelector("progress");
      const state = item.querySelector(".state");
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", "/api/documents");
        xhr.responseType = "json";
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) {
            bar.value = Math.round((100 * e.loaded) / e.total);
            state.textContent = `Đang tải lên ${bar.value}%`;
          }
        };
        xhr.upload.onload = () => {
          bar.removeAttribute("value"); // indeterminate while the server reads the file
          state.textContent = "Đã tải lên, đang đọc văn bản…";
        };
        xhr.onload = () => {
          const body = xhr.response;
          const r = body && body.results && body.results[0];
          if (r) {
            item.querySelector(".progress").remove();
            renderResult(item, r);
          } else {
            fail(item, problemText(xhr.status, body), xhr.status === 401);
          }
          resolve();
        };
        xhr.onerror = () => { fail(item, "Mất kết nối tới máy chủ; tệp chưa được lưu. Thử lại sau."); resolve(); };
        const data = new FormData();
        data.append("files", file, file.name);
        xhr.send(data);
      });
    }

    async function pump() {
      if (busy) return;
      busy = true;
      while (queue.length) await send(queue.shift());
      busy = false;
      await refreshList();
      if (!document.getElementById("upload-done")) {
        list.after(el("p", {id: "upload-done", class: "hint", text: "Xong. Danh sách văn bản bên dưới đã cập nhật."}));
      }
    }

    /* the documents list below the form, fetched again now that the upload changed it */
    async function refreshList() {
      const section = document.getElementById("doc-list");
      if (!section) return;
      try {
        const resp = await fetch(location.pathname + location.search, {headers: {"Accept": "text/html"}});
        const fresh = new DOMParser().parseFromString(await resp.text(), "text/html").getElementById("doc-list");
        if (resp.ok && fresh) section.replaceChildren(...fresh.childNodes);
      } catch (err) {
        /* the list stays as it was; a reload shows it */
      }
    }

    function add(files) {
      for (const file of files) {
        const item = el("li", {class: "upload-item"},
                        el("div", {class: "file-name", text: file.name}),
                        el("div", {class: "progress"}, el("progress", {max: "100", value: "0"}), " ",
                           el("span", {class: "state", text: "Đang chờ…"})),
                        el("div", {class: "outcome"}));
        list.append(item);
        if (maxBytes && file.size > maxBytes) {
          fail(item, `Tệp quá lớn (${(file.size / 1048576).toFixed(0)} MB); giới hạn là ${maxBytes / 1048576} MB.`);
          continue;
        }
        if (!file.size) { fail(item, "Tệp rỗng (0 byte)."); continue; }
        queue.push({file, item});
      }
      pump();
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!input.files.length) { input.focus(); return; }
      add(Array.from(input.files));
      input.value = "";
    });
    for (const kind of ["dragenter", "dragover"]) {
      drop.addEventListener(kind, (e) => { e.preventDefault(); drop.classList.add("over"); });
    }
    for (const kind of ["dragleave", "drop"]) {
      drop.addEventListener(kind, () => drop.classList.remove("over"));
    }
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) add(Array.from(e.dataTransfer.files));
    });
  }

  /* ------------------------------------------------------------ highlight in the source */

  function setupHighlight() {
    const source = document.getElementById("source");
    if (!source) return;
    const pieces = Array.from(source.querySelectorAll("span[data-k]"));
    document.addEventListener("click", (e) => {
      const btn = e.target.closest("button.show[data-k]");
      if (!btn) return;
      const key = btn.dataset.k;
      for (const p of source.querySelectorAll(".on, .on-part")) p.classList.remove("on", "on-part");
      for (const p of document.querySelectorAll(".picked")) p.classList.remove("picked");
      let first = null;
      const whole = /^t-\d+$/.test(key); // a task: its text lightly, its title, units, deadline strongly
      for (const p of pieces) {
        const keys = p.dataset.k.split(" ");
        if (keys.some((k) => k.startsWith(key + "-"))) p.classList.add("on");
        else if (keys.includes(key)) p.classList.add(whole ? "on-part" : "on");
        else continue;
        first = first || p;
      }
      const holder = btn.closest(".field, tr, li");
      if (holder) holder.classList.add("picked");
      if (first) {
        first.scrollIntoView({block: "center", behavior: "smooth"});
        source.dataset.showing = key;
      }
    });
  }

  /* ------------------------------------------------------------ corrections in place */

  /* the "Cần kiểm tra" box says what is still uncertain after a correction, without a reload */
  function showWarnings(warnings) {
    const box = document.getElementById("warnings");
    if (!box) return;
    box.querySelector("ul").replaceChildren(...warnings.map((w) => el("li", {text: w})));
    box.hidden = warnings.length === 0;
  }

  function setupCorrections() {
    const review = document.querySelector(".review[data-doc]");
    if (!review) return;
    const docId = review.dataset.doc;
    const status = document.getElementById("live");
    const history = document.getElementById("history");

    review.addEventListener("submit", async (e) => {
      const form = e.target.closest("form.correct");
      if (!form) return;
      e.preventDefault();
      const field = form.dataset.field;
      const label = form.dataset.label;
      let value = form.elements.value.value;
      if (field === "date") value = isoFromVn(value);
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const resp = await fetch(`/api/documents/${docId}`, {
          method: "PATCH", headers: {"Content-Type": "application/json", "Accept": "application/json"},
          credentials: "same-origin", body: JSON.stringify({[field]: value.trim() ? value : null}),
        });
        const body = await resp.json().catch(() => null);
        if (!resp.ok) { say(status, `Chưa lưu ${label}: ` + problemText(resp.status, body), true); return; }
        const doc = body.document;
        const box = document.getElementById("field-" + field);
        const shown = field === "date" ? vnDate(doc[field]) : doc[field];
        const valueNode = box.querySelector("[data-value]");
        valueNode.textContent = shown || "(trống)";
        if (body.corrections.length) {
          box.classList.add("corrected");
          const dt = box.querySelector("dt");
          if (!dt.querySelector(".badge")) dt.append(" ", el("span", {class: "badge", text: "đã sửa"}));
          for (const c of body.corrections) {
            const fmt = (x) => (field === "date" ? vnDate(x) : x) || "(trống)";
            const at = c.at ? `${vnDate(c.at.slice(0, 10))} ${c.at.slice(11, 16)}` : "";
            history.tBodies[0].prepend(el("tr", {}, el("td", {class: "nowrap", text: at}),
              el("td", {text: c.who}), el("td", {text: label}), el("td", {text: fmt(c.old_value)}),
              el("td", {text: fmt(c.new_value)})));
            history.hidden = false;
            const empty = document.getElementById("history-empty");
            if (empty) empty.hidden = true;
            say(status, `Đã lưu ${label}: ${fmt(c.new_value)} (ghi vào nhật ký sửa với tên ${c.who}).`);
          }
          const title = document.getElementById("doc-title");
          if (title) title.textContent = docTitle(doc);
          showWarnings(doc.warnings || []);
        } else {
          say(status, `${label} không thay đổi.`);
        }
        form.elements.value.value = field === "date" ? vnDate(doc[field]) : (doc[field] || "");
        form.closest("details").open = false;
        form.closest("details").querySelector("summary").focus();
      } catch (err) {
        say(status, "Mất kết nối tới máy chủ; chưa lưu được. Thử lại.", true);
      } finally {
        button.disabled = false;
      }
    });
  }

  /* ------------------------------------------------------------ task status */

  function setupStatus() {
    const status = document.getElementById("live");
    document.addEventListener("submit", async (e) => {
      const form = e.target.closest("form.set-status");
      if (!form) return;
      e.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const resp = await fetch(`/api/tasks/${form.dataset.task}`, {
          method: "PATCH", headers: {"Content-Type": "application/json", "Accept": "application/json"},
          credentials: "same-origin", body: JSON.stringify({status: form.elements.status.value}),
        });
        const body = await resp.json().catch(() => null);
        if (!resp.ok) { say(status, "Chưa lưu trạng thái: " + problemText(resp.status, body), true); return; }
        const row = form.closest("tr");
        const badge = row.querySelector("[data-state]");
        badge.className = "state " + body.state;
        badge.textContent = STATE_LABELS[body.state] || body.state;
        row.className = "state-" + body.state;
        say(status, `Đã lưu trạng thái nhiệm vụ ${body.no || body.id}: ` +
                    form.elements.status.selectedOptions[0].textContent + ".");
      } catch (err) {
        say(status, "Mất kết nối tới máy chủ; chưa lưu được. Thử lại.", true);
      } finally {
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupUpload();
    setupHighlight();
    setupCorrections();
    setupStatus();
  });
})();
