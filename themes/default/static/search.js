// Search without a server. Reads search-index.json (built by mieru) and
// matches a query the same way the index was cut: every pair of adjacent
// letters or digits (bigram), full-width ASCII folded to half-width and
// upper case to lower case. A page matches when it holds every bigram of
// the query; a one-character query matches any bigram with that character.
// Pages whose title contains the whole query come first.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) return;
  var root = form.getAttribute("data-root") || "";
  var indexUrl = form.getAttribute("data-index");
  var index = null;
  var loading = null;
  form.hidden = false;

  var letterOrDigit = /[\p{Alphabetic}\p{N}]/u;

  function fold(c) {
    var n = c.codePointAt(0);
    if (n >= 0xFF01 && n <= 0xFF5E) c = String.fromCodePoint(n - 0xFEE0);
    else if (n === 0x3000) c = " ";
    var l = c.toLowerCase();
    return Array.from(l)[0] || c;
  }

  function runs(text) {
    var out = [];
    var run = [];
    Array.from(text).forEach(function (ch) {
      var c = fold(ch);
      if (letterOrDigit.test(c)) {
        run.push(c);
      } else if (run.length) {
        out.push(run);
        run = [];
      }
    });
    if (run.length) out.push(run);
    return out;
  }

  function grams(text) {
    var set = {};
    runs(text).forEach(function (run) {
      if (run.length === 1) set[run[0]] = true;
      for (var i = 0; i + 1 < run.length; i++) set[run[i] + run[i + 1]] = true;
    });
    return Object.keys(set);
  }

  function compact(text) {
    return runs(text).map(function (r) { return r.join(""); }).join("");
  }

  function postings(g) {
    if (Array.from(g).length > 1) return index.grams[g] || [];
    var seen = {};
    Object.keys(index.grams).forEach(function (k) {
      if (k.indexOf(g) !== -1) index.grams[k].forEach(function (d) { seen[d] = true; });
    });
    return Object.keys(seen).map(Number);
  }

  function search(q) {
    var gs = grams(q);
    if (!gs.length) return [];
    var hits = null;
    gs.forEach(function (g) {
      var p = {};
      postings(g).forEach(function (d) { p[d] = true; });
      hits = hits === null ? p : Object.keys(hits).reduce(function (acc, d) {
        if (p[d]) acc[d] = true;
        return acc;
      }, {});
    });
    var whole = compact(q);
    return Object.keys(hits || {}).map(Number).sort(function (a, b) {
      var ta = compact(index.docs[a].t).indexOf(whole) !== -1 ? 0 : 1;
      var tb = compact(index.docs[b].t).indexOf(whole) !== -1 ? 0 : 1;
      return ta - tb || a - b;
    });
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (j) { index = j; });
    }
    return loading;
  }

  function show(q) {
    list.textContent = "";
    if (!q.trim()) {
      status.textContent = "";
      return;
    }
    var found = search(q);
    found.forEach(function (d) {
      var doc = index.docs[d];
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = "［" + doc.k + "］";
      var a = document.createElement("a");
      a.href = root + doc.u;
      a.textContent = doc.t;
      var p = document.createElement("p");
      p.textContent = doc.d;
      li.appendChild(kind);
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    status.textContent = "「" + q.trim() + "」の検索結果：" + found.length + "件" +
      (found.length ? "" : "。言葉を短くするか、別の言葉でお試しください。");
  }

  var timer = null;
  function update() {
    var q = input.value;
    clearTimeout(timer);
    timer = setTimeout(function () {
      load().then(function () { show(q); }, function () {
        status.textContent = "検索用のデータを読み込めませんでした。事業の一覧からお探しください。";
      });
    }, 200);
  }

  input.addEventListener("input", update);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    update();
  });
  var params = new URLSearchParams(location.search);
  if (params.get("q")) {
    input.value = params.get("q");
    update();
  }
})();
