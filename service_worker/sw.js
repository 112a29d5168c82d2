/* SchoolFit service worker.
   - Precaches the app shell (floor screen shell, CSS, JS, icons, manifest, offline page) in a
     versioned cache; old versions are deleted on activate. The version is filled in by the
     server from a hash of the shell files, so any change to them installs a new worker.
   - The floor shell: network first (fresh when online), the cached shell when offline.
   - Static files: stale-while-revalidate.
   - Every other page: network only, the offline page when there is no network. Pages with
     personal data are never cached (the server sends them with Cache-Control: no-store).
   - The API is never cached; the floor's queue lives in IndexedDB, not here. */
const VERSION = "__SHELL_VERSION__";
const PREFIX = "schoolfit-";
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`;
const FLOOR_SHELL = "/vloer/";
const OFFLINE_PAGE = "/offline";
const SHELL_URLS = __SHELL_URLS__;
const BACKGROUND_HEADER = "X-SchoolFit-Background";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // `redirect: "error"`: never store a login redirect in place of the shell. The header says
    // this is the worker's own request beside the page: the server then leaves the session
    // cookie alone, so an answer arriving after a login cannot put the old session back.
    await cache.addAll(SHELL_URLS.map((url) => new Request(url, {
      cache: "reload", redirect: "error", headers: { [BACKGROUND_HEADER]: "precache" },
    })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== SHELL_CACHE).map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

function isCacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

async function floorShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (isCacheable(response)) await cache.put(FLOOR_SHELL, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(FLOOR_SHELL)) || (await cache.match(OFFLINE_PAGE)) || Response.error();
  }
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request, { ignoreSearch: false });
  const network = fetch(event.request).then(async (response) => {
    if (isCacheable(response)) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

async function networkOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(SHELL_CACHE);
    return (await cache.match(OFFLINE_PAGE)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // always the network, never cached
  if (request.mode === "navigate") {
    if (url.pathname === FLOOR_SHELL) event.respondWith(floorShell(request));
    else event.respondWith(networkOrOffline(request));
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(staleWhileRevalidate(event));
  }
});

// Where Background Sync exists (Chromium), ask open floor pages to send their queue; the pages
// do the sending themselves (on load, on `online`, every 30 s), which is what Safari relies on.
self.addEventListener("sync", (event) => {
  if (event.tag !== "schoolfit-floor-sync") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
    clients.forEach((client) => client.postMessage({ type: "sync" }));
  }));
});

// Urgent alerts (web push). The payload is contentless — kind, location and a link; the
// details are behind the login — so the notification can show it as it is.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || "SchoolFit", {
    body: data.body || "",
    tag: data.tag || "schoolfit-alert",
    data: { url: data.url || "/meldingen/" },
    icon: "/static/icons/icon-192.png",
    requireInteraction: true,
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/meldingen/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => "navigate" in client);
    if (open) return open.focus().then(() => open.navigate(target.href));
    return self.clients.openWindow(target.href);
  }));
});
