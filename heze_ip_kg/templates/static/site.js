// Language switch (Chinese first, remembered across pages) and the query runner of query.html.
(function () {
  var root = document.documentElement;
  var button = document.getElementById("lang-switch");
  function apply(lang) {
    root.setAttribute("lang", lang);
    if (button) { button.textContent = button.getAttribute("data-" + lang); }
  }
  var saved = null;
  try { saved = window.localStorage.getItem("heze-ip-kg-lang"); } catch (e) { saved = null; }
  apply(saved === "en" ? "en" : "zh");
  if (button) {
    button.addEventListener("click", function () {
      var next = root.getAttribute("lang") === "zh" ? "en" : "zh";
      try { window.localStorage.setItem("heze-ip-kg-lang", next); } catch (e) { /* file:// */ }
      apply(next);
    });
  }
  var form = document.getElementById("query-form");
  if (!form) { return; }
  var select = document.getElementById("catalogue");
  var text = document.getElementById("sparql");
  function load() {
    var template = document.getElementById("q-" + select.value);
    text.value = template ? template.innerHTML.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&") : "";
  }
  select.addEventListener("change", load);
  load();
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var out = document.getElementById("results");
    out.textContent = "…";
    fetch(form.getAttribute("data-endpoint"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(text.value)
    }).then(function (response) {
      if (!response.ok) { return response.text().then(function (t) { throw new Error(t); }); }
      return response.json();
    }).then(function (data) {
      var vars = data.head.vars;
      var table = document.createElement("table");
      table.id = "result-table";
      var head = table.insertRow();
      vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
      data.results.bindings.forEach(function (binding) {
        var row = table.insertRow();
        vars.forEach(function (v) { row.insertCell().textContent = binding[v] ? binding[v].value : ""; });
      });
      out.textContent = "";
      out.appendChild(table);
    }).catch(function (error) { out.textContent = String(error.message || error); });
  });
})();
