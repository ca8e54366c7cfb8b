// Filters for the case index (chapters/cases/index): sector, country, CE degree and
// upgrading. Works offline (no request to any host); without JavaScript the full table shows.
// Option texts are set with textContent only (never parsed as HTML): the values may be case text.
(function () {
  function init() {
    var box = document.getElementById("case-filters");
    if (!box || box.getAttribute("data-ready")) return;  // once, even if loaded twice
    var tables = ["case-index-published-cases", "case-index-new-cases"].map(function (id) {
      var t = document.getElementById(id);
      return t && t.tagName !== "TABLE" ? t.querySelector("table") : t;
    }).filter(Boolean);
    if (!tables.length) return;
    box.setAttribute("data-ready", "1");
    var heads = Array.prototype.map.call(tables[0].querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    var rows = [];
    tables.forEach(function (t) { rows = rows.concat(Array.prototype.slice.call(t.querySelectorAll("tbody tr"))); });
    var wanted = ["Sector", "Country", "CE degree", "Upgrading (sum of 4 types)"];
    var selects = [];
    wanted.forEach(function (name) {
      var col = heads.indexOf(name);
      if (col < 0) return;
      var values = {};
      rows.forEach(function (tr) { values[tr.cells[col].textContent.trim()] = true; });
      var label = document.createElement("label");
      label.textContent = (name.indexOf("Upgrading") === 0 ? "Upgrading" : name) + " ";
      var sel = document.createElement("select");
      sel.setAttribute("data-col", col);
      var all = document.createElement("option");
      all.value = ""; all.textContent = "all";
      sel.appendChild(all);
      Object.keys(values).sort(function (a, b) {
        var x = parseFloat(a), y = parseFloat(b);
        return (isNaN(x) || isNaN(y)) ? a.localeCompare(b) : x - y;
      }).forEach(function (v) {
        var o = document.createElement("option");
        o.value = v; o.textContent = v;
        sel.appendChild(o);
      });
      sel.addEventListener("change", apply);
      label.style.marginRight = "1em";
      label.style.whiteSpace = "nowrap";
      label.appendChild(sel);
      box.appendChild(label);
      selects.push(sel);
    });
    var count = document.createElement("span");
    count.className = "case-filter-count";
    box.appendChild(count);
    function apply() {
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = selects.every(function (s) {
          return !s.value || tr.cells[+s.getAttribute("data-col")].textContent.trim() === s.value;
        });
        tr.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = " " + shown + " of " + rows.length + " cases";
    }
    box.hidden = false;
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
