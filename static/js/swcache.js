/* What the service workers share (the Fête's scan page, the families' space; loaded by
 * importScripts): static files from the cache once fetched; a page network first, its last copy
 * when the network fails — never a page served after a redirect (a session that ended). */
function staticFromCache(cacheName, request) {
  return caches.open(cacheName).then((cache) =>
    cache.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    }))
  );
}

function pageNetworkFirst(cacheName, request, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(cacheName).then((cache) => cache.put(key || request, copy));
      }
      return response;
    })
    .catch(() => caches.match(key || request).then((hit) => hit || Response.error()));
}

/* A service worker that keeps, for offline use, the static files and the pages for which
 * ``keeps(pathname)`` is true (under ``key`` when given: one copy whatever the query string). */
function keepOffline(cacheName, keeps, key) {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") return;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    if (url.pathname.startsWith("/static/")) {
      event.respondWith(staticFromCache(cacheName, request));
    } else if (request.mode === "navigate" && keeps(url.pathname)) {
      event.respondWith(pageNetworkFirst(cacheName, request, key));
    }
  });
}
