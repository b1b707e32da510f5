// The scanner's service worker, one registration per forum, scoped to /checkin/{slug}
// (core/headers.py allows that scope for this script). It keeps its own copy of the
// scanner page, its scripts and styles and the forum's check-in data (public key, lists),
// so a phone that reloads with no network still opens the scanner and judges codes.
// Network first: online, everything is fresh and the copy is renewed; the copy answers only
// when the network does not. A page answered with a redirect or 401/403 (signed out, token
// revoked) deletes the copy: nothing of the forum stays on a device that lost its access.
const PAGE = new URL(self.registration.scope).pathname; // "/checkin/{slug}"
const SLUG = PAGE.split("/")[2];
const CACHE = `checkin:${PAGE}`;
const DATA = `/api/forums/${SLUG}/checkin-data`;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function kept(url, request) {
  if (request.mode === "navigate") return url.pathname === PAGE;
  return url.pathname.startsWith("/static/") || url.pathname === DATA;
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const copy = await cache.match(key, { ignoreVary: true });
    if (copy) return copy;
    throw error;
  }
  if (response.ok && response.type === "basic") {
    await cache.put(key, response.clone());
  } else if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    await caches.delete(CACHE);
  } else if (response.status >= 500) {
    const copy = await cache.match(key, { ignoreVary: true });
    if (copy) return copy;
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !kept(url, request)) return;
  // the page in any language (?lang=) is one copy: the language cookie picks it online
  const key = request.mode === "navigate" ? PAGE : url.pathname + url.search;
  event.respondWith(networkFirst(request, key));
});

// Sign-out (static/signout.js) and a refused page ask for the copy to go.
self.addEventListener("message", (event) => {
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});
