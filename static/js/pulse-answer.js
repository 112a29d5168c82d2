// The students' answer form: send it once (a double tap must not become a second answer that
// the server refuses as "al ingevuld"), and bring a problem message into view.
const form = document.querySelector("[data-pulse-form]");
if (form) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-disabled", "true");
      if (button.dataset.sending) button.textContent = button.dataset.sending;
    }
  });
  // Back/forward cache: a page restored after leaving it may be sent again.
  window.addEventListener("pageshow", () => {
    delete form.dataset.sent;
  });
}
const problem = document.getElementById("pulse-problem");
if (problem) {
  const firstError = document.querySelector(".pulse-statement.has-error input");
  problem.focus();
  if (firstError) firstError.scrollIntoView({ block: "center" });
}
