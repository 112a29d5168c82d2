// Registers the service worker for every page; it never caches pages with personal data.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("Service worker not registered", error);
    });
  });
}
