/* Service worker of the families' space (served at /famille/sw.js, scope /famille/).
 * Only the Fête page (the invitation's QR, shown at the gate where the network is weak) and the
 * static files are kept: network first, the last copy when the network fails. Every other page
 * is personal and always asked from the server. Leaving the space deletes the cache. */
importScripts("/static/js/swcache.js");
keepOffline("partez-famille-v1", (path) => path === "/famille/fete/", "/famille/fete/");
