// Registers the service worker on every page, and on logout clears what the floor screen kept
// on this device (student index, locations) — the unsent queue stays until it is sent.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("Service worker not registered", error);
    });
  });
}

document.querySelectorAll("form[data-logout]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.cleared === "true" || !("indexedDB" in window)) return;
    event.preventDefault();
    try {
      const { clearPersonal } = await import("./floor/store.js");
      await clearPersonal();
    } catch (error) {
      console.warn("Could not clear the floor data on this device", error);
    }
    localStorage.removeItem("schoolfit.floor.place");
    form.dataset.cleared = "true";
    form.submit();
  });
});
