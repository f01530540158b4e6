/* A button with data-print prints the page (no inline handler: the CSP allows scripts from our files only). */
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
