// Staff share and poster pages: copy the short link, print the poster. The buttons stay
// hidden when JavaScript does not run (the link can still be selected, the page printed).
const copyButton = document.querySelector("[data-copy-link]");
const source = document.querySelector("[data-copy-source]");
if (copyButton && source && navigator.clipboard) {
  copyButton.hidden = false;
  const label = copyButton.textContent;
  copyButton.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      copyButton.textContent = copyButton.dataset.copied || label;
      window.setTimeout(() => { copyButton.textContent = label; }, 2000);
    } catch (error) {
      source.select();
    }
  });
}
const printButton = document.querySelector("[data-print]");
if (printButton) {
  printButton.hidden = false;
  printButton.addEventListener("click", () => window.print());
}
// Closing a peiling cannot be undone: ask first. A yes is sent along, so the server does
// not ask again on its own confirmation page (which is what a tap before this ran gets).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    const confirmed = form.elements.namedItem("confirmed");
    if (confirmed) confirmed.value = "1";
  });
});
