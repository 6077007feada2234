/* Sorting only reorders existing rows; no scan data
   is ever parsed as HTML here (textContent and attributes only). */
(function () {
  "use strict";
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var value = cell.getAttribute("data-value");
    if (numeric) { return parseFloat(value) || 0; }
    return (value !== null ? value : cell.textContent).trim().toLowerCase();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var type = th.getAttribute("data-sort");
      if (!type) { return; }
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = type === "num";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a, index, numeric), y = key(b, index, numeric);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });

}());
