/* Service worker of the Fête's scan page (served at /fete/pointage/sw.js, scope /fete/pointage/).
 * Pages: network first, the last copy when the network fails (a reload in a dead zone still
 * opens the page, with its roster). Static files: from the cache once fetched. POSTs (the
 * check-ins and hand-overs) are never touched: the page queues them itself. */
importScripts("/static/js/swcache.js");
keepOffline("partez-fete-v1", (path) => path.startsWith("/fete/pointage/"));
