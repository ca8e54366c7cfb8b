// Cite folds (analysis/book/sphinx_cite.py): when CITATION.cff names no site URL the
// entries carry the page path only; a reader who sees the page online gets its real URL
// in the entry and the plain-text citation. Text is set with textContent, never as HTML.
document.addEventListener("DOMContentLoaded", () => {
  if (!/^https?:$/.test(window.location.protocol)) return;
  document.querySelectorAll("details.cite-fold[data-label]").forEach((fold) => {
    const url = window.location.origin + window.location.pathname + "#" + fold.dataset.label;
    if (!/^[A-Za-z0-9:/._~#-]+$/.test(url)) return;
    const pre = fold.querySelector("pre");
    if (pre && !/\burl = \{/.test(pre.textContent)) {
      pre.textContent = pre.textContent.replace(/(\n\s*)urldate = /, `$1url = {${url}},$1urldate = `)
        .replace(/; page [^}]*? anchor [^}]*\}/, "}");
    }
    const plain = fold.querySelector(".cite-plain");
    if (plain) {
      plain.textContent = plain.textContent.replace(/Page \S+\.html#\S+\.$/, `Available at ${url}.`);
    }
  });
});
