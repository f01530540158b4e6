// The main navigation (base.html). Without JavaScript every <details> works on its own: « Menu »
// opens the groups, each group opens its links. With it: on a wide screen the menu stays open
// (its « Menu » button hidden by the CSS) and each group is a drop-down that closes when another
// opens, on Escape (focus back on its button) and on a click elsewhere.
(function () {
  "use strict";
  var menu = document.querySelector("[data-nav-menu]");
  if (!menu) return;
  var groups = Array.prototype.slice.call(menu.querySelectorAll("[data-nav-group]"));
  var wide = window.matchMedia("(min-width: 768px)");
  menu.classList.add("nav-js"); // the CSS hides « Menu » on a wide screen only then

  function layout() {
    menu.open = wide.matches;
    groups.forEach(function (g) { g.open = false; });
  }
  layout();
  if (wide.addEventListener) wide.addEventListener("change", layout);

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open || !wide.matches) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (g) {
      if (g.open) {
        g.open = false;
        g.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!wide.matches) return;
    groups.forEach(function (g) { if (g.open && !g.contains(event.target)) g.open = false; });
  });
})();
