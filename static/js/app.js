// Registers the service worker on every page, and on logout clears what the floor screen kept
// on this device (student index, locations) — the unsent queue stays until it is sent.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("Service worker not registered", error);
    });
  });
}

async function clearDevice() {
  if (!("indexedDB" in window)) return;
  try {
    const { clearPersonal } = await import("./floor/store.js");
    await clearPersonal();
  } catch (error) {
    console.warn("Could not clear the floor data on this device", error);
  }
  localStorage.removeItem("schoolfit.floor.place");
}

document.querySelectorAll("form[data-logout]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    if (form.dataset.cleared === "true" || !("indexedDB" in window)) return;
    event.preventDefault();
    await clearDevice();
    form.dataset.cleared = "true";
    form.submit();
  });
});

// The login page clears it too: a logout tapped before this script ran (a slow phone), or a
// session that ended on its own, must not leave the index on the device either.
if (document.querySelector("[data-clear-device]")) clearDevice();

// A region that scrolls sideways (a wide table on a phone) must scroll with the keyboard too: it
// takes the focus then (WCAG 2.1.1, axe's scrollable-region-focusable), and only then.
const SCROLLERS = ".table-wrap, .chart-wrap, .chart-scroll";
function focusableScrollers() {
  document.querySelectorAll(SCROLLERS).forEach((region) => {
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    if (scrolls && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
      region.dataset.scrollFocus = "true";
    } else if (!scrolls && region.dataset.scrollFocus === "true") {
      region.removeAttribute("tabindex");
      delete region.dataset.scrollFocus;
    }
  });
}
focusableScrollers();
let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(focusableScrollers, 150);
});
