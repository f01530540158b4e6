// Adds a person row to the household formset from its <template> (no server round trip).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-add-person]");
  if (!button) return;
  const total = document.getElementById("id_persons-TOTAL_FORMS");
  const index = parseInt(total.value, 10);
  const html = document.getElementById("person-template").innerHTML
    .replace(/__prefix__/g, String(index))
    .replace(/__num__/g, String(index + 1));
  const container = document.getElementById("persons");
  container.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const rows = container.querySelectorAll(".person-row");
  const first = rows[rows.length - 1].querySelector("input, select");
  if (first) first.focus();
});
