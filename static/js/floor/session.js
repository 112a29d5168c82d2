// The session on this phone: the privacy shield (blurred when hidden or idle) and logging out,
// which clears everything personal the phone holds except entries not yet sent.
import { clearPersonal, queued } from "./store.js";
import { syncer } from "./entry.js";
import { ZONE_KEY } from "./place.js";
import { $, getJson, messages, state } from "./shared.js";

const IDLE_MS = 60_000;

// ---------- privacy: blurred when hidden or idle ----------
let idleTimer = null;
export function shield(on) {
  $("#privacy-shield").hidden = !on;
  document.body.classList.toggle("shielded", on);
}
export function resetIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => shield(true), IDLE_MS);
}

export async function logout() {
  const warning = $("#logout-warning");
  await syncer.run();
  const pending = (await queued()).length;
  if (pending && !state.logoutArmed) {
    state.logoutArmed = true;
    warning.textContent = `${pending} ${messages.pendingLogout}`;
    warning.hidden = false;
    return;
  }
  let token = null;
  try {
    token = (await getJson("/api/floor/csrf")).token;
  } catch (error) {
    if (error.status !== 401) {
      warning.textContent = messages.offline;
      warning.hidden = false;
      return;
    }
  }
  state.signingOut = true;
  await clearPersonal();
  localStorage.removeItem(ZONE_KEY);
  if (!token) {
    window.location.assign("/login");
    return;
  }
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/logout";
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = "csrf_token";
  input.value = token;
  form.append(input);
  document.body.append(form);
  form.submit();
}
