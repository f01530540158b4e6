// The public simulator without page reloads: one blank person row at a time, "add" and "remove"
// buttons, and the focus moved to the result (or the errors) after htmx swaps the form.
// Without JavaScript the form shows all its rows and blank rows are ignored by the server.
(function () {
  function reset(row) {
    row.querySelectorAll("input, select").forEach(function (field) {
      if (field.type === "checkbox") field.checked = /-travels$/.test(field.name);
      else if (field.tagName === "SELECT") field.value = field.dataset.default || "";
      else field.value = "";
    });
  }

  function setup(root) {
    const rows = root.querySelector("#member-rows");
    if (!rows) return;
    const add = root.querySelector("[data-add-member]");
    const total = root.querySelector("input[name$='-TOTAL_FORMS']");
    const visible = function () { return rows.querySelectorAll(".member-row:not([hidden])"); };
    const refresh = function () {
      const shown = visible();
      shown.forEach(function (row) {
        row.querySelector("[data-remove-member]").hidden = shown.length < 2;
      });
      add.hidden = !rows.querySelector(".member-row[hidden]") && parseInt(total.value, 10) >= parseInt(add.dataset.max, 10);
    };
    // Show the rows in use, or the first blank one when none is.
    let blankShown = !!rows.querySelector(".member-row:not([data-blank])");
    rows.querySelectorAll(".member-row").forEach(function (row) {
      if (row.hasAttribute("data-blank")) {
        row.hidden = blankShown;
        blankShown = true;
      }
    });
    add.addEventListener("click", function () {
      let row = rows.querySelector(".member-row[hidden]");
      if (!row) {
        const index = parseInt(total.value, 10);
        const html = root.querySelector("#member-template").innerHTML
          .replace(/__prefix__/g, String(index))
          .replace(/__num__/g, String(index + 1));
        rows.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        row = rows.lastElementChild;
      }
      row.hidden = false;
      refresh();
      row.querySelector("input, select").focus();
    });
    rows.addEventListener("click", function (event) {
      const button = event.target.closest("[data-remove-member]");
      if (!button) return;
      const row = button.closest(".member-row");
      reset(row);
      row.hidden = true;
      refresh();
      add.hidden = false;
      add.focus();
    });
    refresh();
  }

  function focusOutcome() {
    const target = document.querySelector("#erreurs") || document.querySelector("#resultat-titre");
    if (target) target.focus();
  }

  if (window.htmx) {
    // Called for the page once loaded, then for the new #simulateur after each swap.
    htmx.onLoad(function (elt) {
      if (elt.id === "simulateur") {
        setup(elt);
        focusOutcome();
      } else if (elt.querySelector("#simulateur")) {
        setup(elt);
      }
    });
  } else {
    setup(document);
  }
})();
