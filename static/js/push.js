// "Meldingen aan" in the menu: subscribe this browser to web push (VAPID) and tell the server
// (POST /api/push/subscriptions with the X-CSRFToken of GET /api/floor/csrf); "Meldingen uit"
// unsubscribes (DELETE). The service worker (sw.js) shows the contentless notification.
const API = "/api/push/subscriptions";
const button = document.querySelector("[data-push-toggle]");
const status = document.querySelector("[data-push-status]");
const iosNote = document.querySelector("[data-push-ios]");

function say(text) {
  if (status) status.textContent = text || "";
}

function isIOS() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
}

function standalone() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function send(method, body) {
  const tokenResponse = await fetch("/api/floor/csrf", { credentials: "same-origin" });
  if (!tokenResponse.ok) throw new Error(`csrf ${tokenResponse.status}`);
  const { token } = await tokenResponse.json();
  const response = await fetch(API, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${response.status}`);
  return response.json();
}

function show(subscribed) {
  button.textContent = subscribed ? button.dataset.offLabel : button.dataset.onLabel;
  button.setAttribute("aria-pressed", subscribed ? "true" : "false");
  button.dataset.state = subscribed ? "on" : "off";
}

async function init() {
  if (!button) return;
  if (isIOS() && !standalone() && iosNote) iosNote.hidden = false;
  const key = button.dataset.key;
  if (!key || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  show(Boolean(subscription));
  button.hidden = false;
  button.dataset.ready = "true";
  button.addEventListener("click", async () => {
    button.disabled = true;
    say("");
    try {
      if (subscription) {
        await send("DELETE", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
        subscription = null;
      } else {
        const permission = await Notification.requestPermission();
        if (permission !== "granted") {
          say(button.dataset.blockedLabel);
          return;
        }
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        });
        await send("POST", subscription.toJSON());
      }
      show(Boolean(subscription));
    } catch (error) {
      console.warn("push subscription", error);
      say(button.dataset.failedLabel);
    } finally {
      button.disabled = false;
    }
  });
}

init().catch((error) => console.warn("push", error));
