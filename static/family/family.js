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
