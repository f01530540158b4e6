/* Service worker of the families' space (served at /famille/sw.js, scope /famille/).
 * Only the Fête page (the invitation's QR, shown at the gate where the network is weak) and the
 * static files are kept: network first, the last copy when the network fails. Every other page
 * is personal and always asked from the server. Leaving the space deletes the cache. */
const CACHE = "partez-famille-v1";
const KEPT = "/famille/fete/";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((hit) => hit || fetch(request).then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        }))
      )
    );
    return;
  }
  if (request.mode === "navigate" && url.pathname === KEPT) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(KEPT, copy));
          }
          return response;
        })
        .catch(() => caches.match(KEPT).then((hit) => hit || Response.error()))
    );
  }
});
