// Digest page: collapsed sections print open. The print stylesheet opens them where the browser
// knows ::details-content (Chromium 131+); elsewhere this opens them just before printing and
// closes again what was closed. Without JavaScript the sections still open with a tap.
const closed = [];
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details.digest-more:not([open])")) {
    details.open = true;
    closed.push(details);
  }
});
window.addEventListener("afterprint", () => {
  while (closed.length) closed.pop().open = false;
});
