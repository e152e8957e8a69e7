// dibao's own scripts (no inline scripts: the Content-Security-Policy forbids them).
// Upload: drag-and-drop or choose files; each file is sent with its own progress bar.
(function () {
  function csrf() { return document.body.dataset.csrf || ""; }

  // the server's refusal in plain Chinese (never the raw JSON): its reasons, or a word for the status
  function failure(xhr) {
    try {
      var data = JSON.parse(xhr.responseText);
      var reasons = (data.refused || []).map(function (r) { return String(r.reason || "").split(" / ")[0]; });
      if (reasons.length) return reasons.join("；");
      if (data.error) return String(data.error).split(" / ")[0];
    } catch (e) { /* not JSON */ }
    if (xhr.status === 401) return "登录已过期，请重新登录";
    if (xhr.status === 403) return "页面已过期，请刷新后重试";
    if (xhr.status === 413) return "文件太大";
    return "服务器未能接收（" + xhr.status + "）";
  }

  function sendFile(file, list) {
    var row = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    var state = document.createElement("span");
    state.className = "muted";
    row.append(label, bar, state);
    list.appendChild(row);
    var data = new FormData();
    data.append("files", file);
    data.append("csrf", csrf());
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/upload");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = function () {
      var ok = xhr.status === 200, said = "";
      try {  // the server's own words: a name it shortened, a file it refused and why
        var answer = JSON.parse(xhr.responseText);
        said = (answer.refused || []).concat(answer.notes || []).map(function (r) { return r.reason; })
          .concat(answer.error ? [answer.error] : []).join("；");
      } catch (e) { said = xhr.responseText; }
      bar.value = 100;
      state.textContent = ok ? " 已上传，等待归档" + (said ? "（" + said + "）" : "") : " 上传失败：" + said;
      state.className = ok ? "ok" : "error";
      document.body.dispatchEvent(new Event("uploaded"));
    };
    xhr.onerror = function () { state.textContent = " 上传失败（网络）"; state.className = "error"; };
    xhr.send(data);
  }

  function setup() {
    var zone = document.getElementById("drop");
    if (!zone) return;
    var input = document.getElementById("files");
    var list = document.getElementById("sent");
    function take(files) { for (var i = 0; i < files.length; i++) sendFile(files[i], list); }
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { take(e.dataTransfer.files); });
    input.addEventListener("change", function () { take(input.files); input.value = ""; });
    var plain = document.getElementById("plain-submit");
    if (plain) plain.hidden = true;
  }
  document.addEventListener("DOMContentLoaded", setup);
})();

// The household page's print button (the print stylesheet hides navigation and forms).
(function () {
  function setup() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();

// Forms marked data-once send once: a double click does not start the same work twice.
(function () {
  function setup() {
    document.querySelectorAll("form[data-once]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (f.dataset.sent) { e.preventDefault(); return; }
        f.dataset.sent = "1";
        f.querySelectorAll("button").forEach(function (b) { b.disabled = true; b.textContent = "正在开始……"; });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();

// Buttons marked data-confirm ask first (停用, 删除): a slip of the finger changes nothing.
(function () {
  function setup() {
    document.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("[data-confirm]") : null;
      if (b && !window.confirm(b.dataset.confirm)) e.preventDefault();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();

// Below 600 px every table reads as cards (dibao.css): each cell is labelled with its column's heading,
// taken here from the table's first row so that no template has to repeat it.
(function () {
  function label(table) {
    var head = table.rows.length ? table.rows[0] : null;
    if (!head || !head.querySelector("th") || head.querySelector("td")) return;  // a heading row: th only
    table.classList.add("has-head");
    var names = Array.prototype.map.call(head.cells, function (c) { return c.textContent.trim(); });
    for (var i = 1; i < table.rows.length; i++) {
      var cells = table.rows[i].cells;
      var skip = Math.max(0, names.length - cells.length);  // a row under a rowspan lacks its first cells
      for (var j = 0; j < cells.length; j++) {
        var name = names[j + (j === 0 && cells[0].rowSpan > 1 ? 0 : skip)];
        if (!cells[j].dataset.label && name && cells.length > 1) cells[j].dataset.label = name;
      }
    }
  }
  function setup(root) { (root || document).querySelectorAll("table").forEach(label); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setup(); }); else setup();
  document.addEventListener("htmx:afterSwap", function (e) { setup(e.target); });
})();
