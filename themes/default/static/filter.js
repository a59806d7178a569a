// Filters the rows of the program list as the reader types. Without
// JavaScript the whole list stays visible and the filter stays hidden.
(function () {
  "use strict";
  var box = document.querySelector("[data-filter-for]");
  if (!box) return;
  var table = document.getElementById(box.getAttribute("data-filter-for"));
  var input = box.querySelector("input");
  var status = box.querySelector("[role=status]");
  if (!table || !input || !status) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  box.hidden = false;
  function fold(s) {
    return s.replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).toLowerCase().replace(/[\s\u3000]+/g, "");
  }
  var timer = null;
  input.addEventListener("input", function () {
    var q = fold(input.value);
    var shown = 0;
    rows.forEach(function (r) {
      var hit = fold(r.getAttribute("data-filter") || "").indexOf(q) !== -1;
      r.hidden = !hit;
      if (hit) shown += 1;
    });
    clearTimeout(timer);
    // Announce the count once typing pauses, not at every key.
    timer = setTimeout(function () {
      status.textContent = q ? rows.length + "事業のうち" + shown + "事業を表示しています。" : "";
    }, 400);
  });
})();
