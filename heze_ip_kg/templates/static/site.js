// The site's only script (the server's policy allows scripts from the site itself, none inline).
// Language switch, search over search-index.js, "cite this" copy, and the query page.
// Data from the graph is only ever set as text (textContent), never parsed as HTML.
(function () {
  "use strict";
  var root = document.documentElement;
  var button = document.getElementById("lang-switch");
  function lang() { return root.getAttribute("lang") === "en" ? "en" : "zh"; }
  function apply(next) {
    root.setAttribute("lang", next);
    if (button) { button.textContent = button.getAttribute("data-" + next); }
  }
  var saved = null;
  try { saved = window.localStorage.getItem("heze-ip-kg-lang"); } catch (e) { saved = null; }
  apply(saved === "en" ? "en" : "zh");
  if (button) {
    button.addEventListener("click", function () {
      var next = lang() === "zh" ? "en" : "zh";
      try { window.localStorage.setItem("heze-ip-kg-lang", next); } catch (e) { /* file:// */ }
      apply(next);
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function bi(zh, en) {
    var span = el("span");
    var a = el("span", zh, "zh"); a.setAttribute("lang", "zh");
    var b = el("span", en || zh, "en"); b.setAttribute("lang", "en");
    span.appendChild(a); span.appendChild(b);
    return span;
  }

  // --- search: the index is a script that sets window.HEZE_SEARCH, loaded on first use ------
  var form = document.getElementById("search-form");
  var siteRoot = form ? form.getAttribute("data-root") : "";
  var waiting = [];
  function withIndex(done) {
    if (window.HEZE_SEARCH) { done(window.HEZE_SEARCH); return; }
    waiting.push(done);
    if (waiting.length > 1) { return; }
    var script = document.createElement("script");
    script.src = siteRoot + "search-index.js";
    script.onload = function () { var w = waiting; waiting = []; w.forEach(function (f) { f(window.HEZE_SEARCH || []); }); };
    document.head.appendChild(script);
  }
  // Entry: [path, label zh, label en, kind zh, kind en, document, text, iri]
  function search(entries, query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var hits = [];
    entries.forEach(function (e) {
      var rank = -1;
      if (e[1].toLowerCase().indexOf(q) >= 0 || e[2].toLowerCase().indexOf(q) >= 0) { rank = 0; }
      else if (e[6].toLowerCase().indexOf(q) >= 0) { rank = 1; }
      else if (e[7].toLowerCase().indexOf(q) >= 0) { rank = 2; }
      if (rank >= 0) { hits.push([rank, e]); }
    });
    hits.sort(function (a, b) { return a[0] - b[0] || (a[1][1] < b[1][1] ? -1 : a[1][1] > b[1][1] ? 1 : 0); });
    return hits.map(function (h) { return h[1]; });
  }
  function snippet(text, query) {
    var at = text.toLowerCase().indexOf(query.trim().toLowerCase());
    if (at < 0) { return ""; }
    var start = Math.max(0, at - 20);
    return (start > 0 ? "…" : "") + text.slice(start, at + query.length + 40) + "…";
  }
  function resultItem(e, query) {
    var li = el("li");
    var a = el("a");
    a.href = siteRoot + e[0].split("/").map(encodeURIComponent).join("/");
    a.appendChild(bi(e[1], e[2]));
    li.appendChild(a);
    var meta = [e[3], e[5]].filter(function (x) { return x; }).join(" · ");
    if (meta) { li.appendChild(el("small", " " + meta, "note")); }
    var near = snippet(e[6], query);
    if (near && e[1].toLowerCase().indexOf(query.trim().toLowerCase()) < 0) { li.appendChild(el("span", near, "snippet")); }
    return li;
  }
  if (form) {
    var input = document.getElementById("search-q");
    var list = document.getElementById("search-results");
    var timer = null;
    function show() {
      var query = input.value;
      withIndex(function (entries) {
        var hits = search(entries, query);
        list.textContent = "";
        hits.slice(0, 12).forEach(function (e) { list.appendChild(resultItem(e, query)); });
        if (query.trim() && !hits.length) { list.appendChild(el("li", lang() === "zh" ? "无结果" : "No results", "empty")); }
        list.hidden = !query.trim();
      });
    }
    input.addEventListener("focus", function () { withIndex(function () {}); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 120); });
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") { list.hidden = true; } });
  }
  var pageResults = document.getElementById("search-page-results");
  if (pageResults && form) {
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    document.getElementById("search-q").value = query;
    withIndex(function (entries) {
      var hits = search(entries, query);
      var summary = document.getElementById("search-summary");
      summary.textContent = query ? (lang() === "zh" ? "“" + query + "”：" + hits.length + " 条结果" : hits.length + " result(s) for “" + query + "”") : "";
      if (query && !hits.length) { summary.textContent = lang() === "zh" ? "无结果" : "No results"; }
      hits.forEach(function (e) { pageResults.appendChild(resultItem(e, query)); });
    });
  }

  // --- cite this -------------------------------------------------------------------------------
  var copy = document.getElementById("copy-cite");
  if (copy) {
    copy.addEventListener("click", function () {
      var text = document.querySelector("#cite-text ." + lang()).textContent;
      var status = document.getElementById("copy-status");
      function done() { status.textContent = copy.getAttribute("data-done-" + lang()); }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    });
  }
  function fallback(text) {
    var area = el("textarea"); area.value = text; document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  // --- the query page --------------------------------------------------------------------------
  var queryForm = document.getElementById("query-form");
  if (!queryForm) { return; }
  var select = document.getElementById("catalogue");
  var text = document.getElementById("sparql");
  function load() {
    var template = document.getElementById("q-" + select.value);
    text.value = template ? template.content.textContent || template.textContent : "";
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.params"), function (f) {
      f.hidden = f.getAttribute("data-query") !== select.value;
    });
  }
  select.addEventListener("change", load);
  load();
  // A parameter is written into the query as an RDF term, as the catalogue does on a server:
  // an IRI checked against the IRI grammar, an integer, or a quoted, escaped string.
  function term(type, value) {
    if (type === "iri") {
      if (!/^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(value)) { throw new Error("not an IRI: " + value); }
      return "<" + value + ">";
    }
    if (type === "integer") {
      if (!/^-?\d+$/.test(value)) { throw new Error("not an integer: " + value); }
      return value;
    }
    return "\"" + value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n").replace(/\r/g, "\\r") + "\"";
  }
  function bound() {
    var query = text.value;
    var fields = document.getElementById("params-" + select.value);
    if (!fields) { return query; }
    Array.prototype.forEach.call(fields.querySelectorAll("input.param"), function (input) {
      var name = input.getAttribute("data-param").replace(/[^\w]/g, "");
      var written = term(input.getAttribute("data-type"), input.value);
      query = query.replace(new RegExp("(?<![\\w?$])[?$]" + name + "(?!\\w)", "g"), function () { return written; });
    });
    return query;
  }
  function labelled(value, type) {
    if (type !== "uri" || !window.HEZE_SEARCH) { return null; }
    if (!labelled.map) {
      labelled.map = {};
      window.HEZE_SEARCH.forEach(function (e) { labelled.map[e[7]] = e; });
    }
    return labelled.map[value] || null;
  }
  var PREFIXES = [
    ["hip:", "https://w3id.org/heze-ip-kg/ontology#"], ["skos:", "http://www.w3.org/2004/02/skos/core#"],
    ["dcterms:", "http://purl.org/dc/terms/"], ["eli:", "http://data.europa.eu/eli/ontology#"],
    ["org:", "http://www.w3.org/ns/org#"], ["qb:", "http://purl.org/linked-data/cube#"],
    ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"], ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"]
  ];
  function prefixed(iri) {
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][1]) === 0) { return PREFIXES[i][0] + iri.slice(PREFIXES[i][1].length); }
    }
    return null;
  }
  queryForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var out = document.getElementById("results");
    var count = document.getElementById("result-count");
    var csv = document.getElementById("result-csv");
    var query;
    try { query = bound(); } catch (error) { count.textContent = String(error.message); return; }
    out.textContent = "…";
    count.textContent = "";
    csv.hidden = true;
    var endpoint = queryForm.getAttribute("data-endpoint");
    csv.href = endpoint + "?format=csv&query=" + encodeURIComponent(query);
    withIndex(function () {
      fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: "query=" + encodeURIComponent(query)
      }).then(function (response) {
        if (!response.ok) { return response.text().then(function (t) { throw new Error(t); }); }
        return response.json();
      }).then(function (data) {
        var vars = data.head.vars || [];
        var rows = data.results ? data.results.bindings : [];
        if (data.boolean !== undefined) { out.textContent = String(data.boolean); return; }
        count.textContent = rows.length ? (lang() === "zh" ? "共 " + rows.length + " 行" : rows.length + " row(s)") : (lang() === "zh" ? "无结果" : "No results");
        csv.hidden = !rows.length;
        var table = document.createElement("table");
        table.id = "result-table";
        var head = table.createTHead().insertRow();
        vars.forEach(function (v) { var th = el("th", v); th.scope = "col"; head.appendChild(th); });
        var body = table.createTBody();
        rows.forEach(function (binding) {
          var row = body.insertRow();
          vars.forEach(function (v) {
            var cell = row.insertCell();
            var value = binding[v];
            if (!value) { return; }
            var known = labelled(value.value, value.type);
            if (known) {
              var a = el("a"); a.href = known[0].split("/").map(encodeURIComponent).join("/");
              a.appendChild(bi(known[1], known[2])); a.title = value.value; cell.appendChild(a);
            } else if (value.type === "uri" && prefixed(value.value)) {
              cell.textContent = prefixed(value.value); cell.title = value.value;
            } else if (value.type === "uri" && /^https?:/.test(value.value)) {
              var link = el("a", value.value, "url"); link.href = value.value; cell.appendChild(link);
            } else { cell.textContent = value.value; }
          });
        });
        out.textContent = "";
        out.appendChild(table);
      }).catch(function (error) { out.textContent = String(error.message || error); });
    });
  });
})();
