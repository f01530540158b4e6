/* The commission screen: « cocher tout » for the page's projects, and how many are ticked
   (no inline handler: the CSP allows scripts from our files only). */
(() => {
  const boxes = () => Array.from(document.querySelectorAll('input[name="projects"][form="commission-batch"]'));
  const count = document.querySelector("[data-selected-count]");
  const update = () => {
    if (!count) return;
    const n = boxes().filter((b) => b.checked).length;
    count.textContent = n ? `(${n} projet${n > 1 ? "s" : ""} coché${n > 1 ? "s" : ""})` : "";
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-select-all]")) {
      boxes().forEach((b) => { b.checked = event.target.checked; });
    }
    if (event.target.matches('[data-select-all], input[name="projects"]')) update();
  });
  update();
})();
