/* SchoolFit service worker: precaches the offline page and static files; pages with personal
   data are never cached (they are sent with Cache-Control: no-store). */
const VERSION = "v1";
const SHELL_CACHE = `schoolfit-shell-${VERSION}`;
const SHELL_URLS = ["/offline", "/static/css/app.css", "/static/js/app.js", "/static/icons/icon.svg",
  "/static/icons/icon-192.png", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("schoolfit-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
  }
});
