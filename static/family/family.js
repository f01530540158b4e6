/* The families' space: register its service worker (the Fête page opens without a network);
 * on the « you left » page, forget the kept copy instead. */
if (document.querySelector("[data-family-left]")) {
  if (window.caches) caches.delete("partez-famille-v1");
  if (navigator.serviceWorker) {
    navigator.serviceWorker.getRegistrations().then((all) => all.forEach((r) => r.unregister()));
  }
} else if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/famille/sw.js", { scope: "/famille/" }).catch(() => {});
}

/* A file input shows the name of the photo or file chosen (the browser's own words may not be French). */
document.querySelectorAll(".family-file").forEach((box) => {
  const input = box.querySelector("input[type=file]");
  const name = box.querySelector("[data-file-name]");
  if (!input || !name) return;
  input.addEventListener("change", () => {
    if (input.files && input.files.length) name.textContent = `Choisi : ${input.files[0].name}`;
  });
});
