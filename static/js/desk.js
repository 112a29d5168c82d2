// Desk mode, every page: "kopieer voor LVS" buttons (audited) and a privacy veil after a few
// minutes without activity (laptops in shared spaces). No inline script: CSP.
const IDLE_MS = 5 * 60 * 1000;

function legacyCopy(textarea) {
  textarea.focus();
  textarea.select();
  const ok = document.execCommand && document.execCommand("copy");
  return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
}

function copyText(text, textarea) {
  if (navigator.clipboard && window.isSecureContext) {
    // The Clipboard API refuses when the document is not focused or permission is missing:
    // then try the legacy command before giving up.
    return navigator.clipboard.writeText(text).catch(() => legacyCopy(textarea));
  }
  // Older browsers / plain http: select the text and use the legacy command.
  return legacyCopy(textarea);
}

function reportCopy(button) {
  // The copy is an export of a student's record: tell the server so it lands in the audit trail.
  return fetch(button.dataset.copyUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": button.dataset.csrf },
    body: JSON.stringify({ kind: button.dataset.copyKind, id: Number(button.dataset.copyId) }),
  }).catch(() => undefined);
}

function setUpCopyButtons() {
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    button.addEventListener("click", () => {
      const textarea = document.getElementById(button.dataset.copyTarget);
      const status = button.parentElement.querySelector(".copy-status");
      if (!textarea) return;
      copyText(textarea.value, textarea)
        .then(() => {
          if (status) status.textContent = status.dataset.copiedText;
          button.dataset.copied = "true";
          return reportCopy(button);
        })
        .catch(() => {
          textarea.focus();
          textarea.select();
          if (status) status.textContent = status.dataset.failedText;
        });
    });
  });
}

function setUpPrivacyVeil() {
  const veil = document.querySelector("[data-privacy-veil]");
  if (!veil) return;
  let timer = null;
  const hide = () => {
    if (!veil.hidden) {
      veil.hidden = true;
      document.body.classList.remove("veiled");
    }
    clearTimeout(timer);
    timer = setTimeout(show, IDLE_MS);
  };
  const show = () => {
    veil.hidden = false;
    document.body.classList.add("veiled");
    veil.focus();
  };
  const wake = (event) => {
    if (!veil.hidden && (event.type === "keydown" || event.type === "pointerdown")) {
      // The key or click that lifts the veil does nothing else (no inbox shortcut fires).
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    hide();
  };
  ["keydown", "pointerdown"].forEach((name) => {
    document.addEventListener(name, wake, { capture: true });
  });
  ["wheel", "touchstart"].forEach((name) => {
    document.addEventListener(name, hide, { passive: true, capture: true });
  });
  hide();
}

setUpCopyButtons();
setUpPrivacyVeil();
document.body.dataset.deskReady = "true"; // for tests: the handlers are in place
