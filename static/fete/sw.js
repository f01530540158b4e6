/* Service worker of the Fête's scan page (served at /fete/pointage/sw.js, scope /fete/pointage/).
 * Pages: network first, the last copy when the network fails (a reload in a dead zone still
 * opens the page, with its roster). Static files: from the cache once fetched. POSTs (the
 * check-ins and hand-overs) are never touched: the page queues them itself. */
const CACHE = "partez-fete-v1";

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
  if (request.mode === "navigate" && url.pathname.startsWith("/fete/pointage/")) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // Not a login page served after a redirect (session ended): only the scan page itself.
          if (response.ok && !response.redirected) {
            caches.open(CACHE).then((cache) => cache.put(request, response.clone()));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || Response.error()))
    );
  }
});
