// A searchable product list: a search box above every <select data-picker> hides the
// options that do not contain what was typed (name, maker or code). A static file, so
// that the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = select.getAttribute("data-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (opt) {
        var show = !q || opt.value === "" || opt.text.toLowerCase().indexOf(q) !== -1;
        opt.hidden = !show;
        if (show && first === null && opt.value !== "") { first = opt; }
      });
      // What was typed picks the first product that matches, unless one that still
      // matches was chosen already; the choice stays visible, highlighted in the list.
      var current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
      if (q && first !== null && (current === null || current.hidden || current.value === "")) {
        first.selected = true;
      }
    });
  });
})();
