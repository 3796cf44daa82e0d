// Period picker (supervisor pages): the kind (week, month, quarter, half-year, year, date range)
// narrows the period list to that kind's choices. Without this script the grouped list and the
// date fields still work on their own.
(function () {
  "use strict";
  function setUp() {
    var kind = document.getElementById("period-kind");
    var choice = document.getElementById("period-choice");
    var range = document.getElementById("period-range");
    var choiceLabel = document.getElementById("period-choice-label");
    if (!kind || !choice || !range) { return; }
    var groups = Array.prototype.map.call(choice.querySelectorAll("optgroup"), function (g) {
      return { kind: g.getAttribute("data-kind"), node: g.cloneNode(true) };
    });
    var chosen = choice.value;
    function show(initial) {
      var k = kind.value;
      var isRange = k === "range";
      range.hidden = !isRange;
      range.querySelectorAll("input").forEach(function (i) { i.disabled = !isRange; });
      choiceLabel.hidden = isRange;
      choice.disabled = isRange;
      while (choice.firstChild) { choice.removeChild(choice.firstChild); }
      groups.forEach(function (g) {
        if (g.kind !== k) { return; }
        Array.prototype.forEach.call(g.node.children, function (o) {
          choice.appendChild(o.cloneNode(true));
        });
      });
      if (initial && choice.querySelector('option[value="' + chosen + '"]')) {
        choice.value = chosen;
      } else if (choice.options.length) {
        choice.selectedIndex = 0;
      }
    }
    kind.addEventListener("change", function () { show(false); });
    show(true);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
