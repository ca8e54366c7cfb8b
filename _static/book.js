/* Progressive enhancement of the book's tables (issue 12), offline, no outside request:
   - every wide table gets a scroll hint when it is wider than its box;
   - numeric cells are marked for right alignment;
   - tables with class book-table-interactive get a filter box and sortable columns.
   The static table stays as it is: print and readers without JavaScript see it whole. */
(function () {
  "use strict";
  function scrollBox(table) {
    var p = table.parentElement;
    if (p && (p.classList.contains("pst-scrollable-table-container") || p.classList.contains("table-wrapper"))) return p;
    var box = document.createElement("div");
    box.className = "book-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    return box;
  }
  var NUM = /^[\s−\-+]?[\d,]*\.?\d+\s*%?$|^–$/;
  function key(text) {
    var t = text.replace(/,/g, "").replace("−", "-").trim();
    var n = parseFloat(t);
    return (t !== "" && !isNaN(n) && /^[-+]?\d*\.?\d+(e[-+]?\d+)?%?$/i.test(t)) ? n : null;
  }
  function enhance(table) {
    var box = scrollBox(table);
    // a group's heading row (class book-table-group: one cell spanning the table) is not a data row
    var rows = Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : [])
      .filter(function (r) { return !r.classList.contains("book-table-group"); });
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    for (var c = 0; c < heads.length; c++) {
      var numeric = rows.length > 0 && rows.every(function (r) {
        var cell = r.cells[c]; var t = cell ? cell.textContent.trim() : "";
        return t === "" || NUM.test(t);
      });
      if (numeric) {
        heads[c].classList.add("num");
        rows.forEach(function (r) { if (r.cells[c]) r.cells[c].classList.add("num"); });
      } else {
        rows.forEach(function (r) { if (r.cells[c] && r.cells[c].textContent.length > 60) r.cells[c].classList.add("long"); });
      }
    }
    function hint() {
      var wide = box.scrollWidth > box.clientWidth + 2;
      var h = box.previousElementSibling;
      var has = h && h.classList.contains("book-scroll-hint");
      if (wide && !has) {
        var p = document.createElement("p");
        p.className = "book-scroll-hint";
        p.textContent = "This table is wider than the page: scroll it sideways to see every column →";
        box.parentNode.insertBefore(p, box);
      } else if (!wide && has) { h.remove(); }
    }
    hint();
    window.addEventListener("resize", hint);
    if (!table.classList.contains("book-table-interactive")) return;
    if (rows.length > 40) box.classList.add("book-scroll-tall");  // long: scroll in its own box (book.css)
    var tools = document.createElement("div");
    tools.className = "book-table-tools";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("span");
    tools.appendChild(input);
    tools.appendChild(count);
    box.parentNode.insertBefore(tools, box);
    function filter() {
      var q = input.value.toLowerCase(), shown = 0;
      rows.forEach(function (r) {
        var ok = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
        r.style.display = ok ? "" : "none";
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " rows";
    }
    input.addEventListener("input", filter);
    filter();
    Array.prototype.forEach.call(heads, function (th, c) {
      th.setAttribute("tabindex", "0");
      th.title = "Sort by this column";
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        rows.slice().sort(function (a, b) {
          var x = a.cells[c] ? a.cells[c].textContent.trim() : "", y = b.cells[c] ? b.cells[c].textContent.trim() : "";
          var kx = key(x), ky = key(y), r;
          if (kx !== null && ky !== null) r = kx - ky;
          else if (kx !== null) r = -1; else if (ky !== null) r = 1;
          else r = x.localeCompare(y);
          return asc ? r : -r;
        }).forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  function run() {
    Array.prototype.forEach.call(document.querySelectorAll(".bd-article table"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
