// The floor screen's controls, loaded by app.js once the first load's list is on screen: the
// actions, the sheets, the place, the session, the service worker and the sync.
import { allStudents, getMeta, queued, replaceStudents, setMeta } from "./store.js";
import { openClimateSheet, showAllZones } from "./climate.js";
import { logEntry, syncer, undoLast } from "./entry.js";
import { choosePlace, openLocationSheet, renderPlace, setMinutesAgo } from "./place.js";
import { logout, resetIdle, shield } from "./session.js";
import { $, $$, kindFields, maxHeadCount, showLoginRequired, state } from "./shared.js";
import { openSheet, renderOfflineNote, searchStudents, submitSheet } from "./sheet.js";
import { queuedRow, refreshToday, renderPending, renderToday } from "./today.js";

/** ``requests``: the context and the student index, asked for already by app.js.
 * ``onContext`` draws the place as soon as the context is in: the student index (larger, for
 * search only) must not hold back the zones a one-tap contact needs. */
async function loadContext(requests, onContext) {
  try {
    const context = await requests.context;
    state.context = { locations: context.locations };
    onContext();
    await setMeta("context", state.context);
    const students = await requests.students;
    await replaceStudents(students.students);
  } catch (error) {
    if (error.status === 401) {
      if (!(await queued()).length) {
        window.location.assign("/login?next=/vloer/");
        return false;
      }
      showLoginRequired();
    }
    state.context = (await getMeta("context")) || null;
  }
  state.students = await allStudents();
  return true;
}

function wire() {
  $$(".action[data-kind]").forEach((button) => {
    button.addEventListener("click", () => {
      const kind = button.dataset.kind;
      if (!kindFields[kind].parts.length) logEntry({ kind }); // one tap
      else openSheet(kind);
    });
  });
  $$("#when button").forEach((button) => {
    button.addEventListener("click", () => setMinutesAgo(Number(button.dataset.minutes)));
  });
  $("#location-button").addEventListener("click", openLocationSheet);
  $("#climate-button").addEventListener("click", openClimateSheet);
  $("#climate-all").addEventListener("click", showAllZones);
  $("#undo-button").addEventListener("click", undoLast);
  $$("[data-close]").forEach((button) => button.addEventListener("click", () => button.closest("dialog").close()));
  $$(".chip[data-field]").forEach((chip) => {
    chip.addEventListener("click", () => {
      const field = chip.dataset.field;
      if (field === "flag_type") {
        submitSheet({ flag_type: chip.dataset.value });
        return;
      }
      state.sheet[field] = chip.dataset.value;
      $$(`.chip[data-field="${field}"]`).forEach((c) => c.setAttribute("aria-pressed", String(c === chip)));
      $("#sheet-error").hidden = true;
    });
  });
  $("#save-button").addEventListener("click", () => submitSheet());
  $("#entry-form").addEventListener("submit", (event) => event.preventDefault());
  $("#note").addEventListener("input", () => {
    $("#note-left").textContent = String(Number(document.body.dataset.noteMax) - $("#note").value.length);
  });
  $$(".stepper button").forEach((button) => {
    button.addEventListener("click", () => {
      const input = $("#head-count");
      input.value = String(Math.min(maxHeadCount, Math.max(1, (Number(input.value) || 0) + Number(button.dataset.step))));
    });
  });
  let searchDelay = null;
  $("#student-search").addEventListener("input", (event) => {
    clearTimeout(searchDelay);
    const value = event.target.value;
    searchDelay = setTimeout(() => searchStudents(value), 150);
  });
  $("#menu-button").addEventListener("click", () => {
    state.logoutArmed = false;
    $("#logout-warning").hidden = true;
    $("#menu-sheet").showModal();
  });
  $("#sync-status").addEventListener("click", () => syncer.run());
  $("#sync-now").addEventListener("click", () => syncer.run());
  $("#logout-button").addEventListener("click", logout);
  $("#shield-button").addEventListener("click", () => { shield(false); resetIdle(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") shield(true); });
  ["pointerdown", "keydown", "input", "touchstart"].forEach((type) => {
    document.addEventListener(type, resetIdle, { passive: true, capture: true });
  });
  resetIdle();

  syncer.addEventListener("state", async (event) => renderPending((await queued()).length, event.detail.state));
  syncer.addEventListener("login-required", showLoginRequired);
  syncer.addEventListener("sent", (event) => {
    // Kept by the server: listed at once (the next refresh brings the server's own list).
    const sent = new Map(event.detail.batch.map((entry) => [entry.uuid, entry]));
    event.detail.quarantined.forEach((result) => {
      const entry = sent.get(result.uuid);
      if (entry && entry.type !== "climate") {
        state.quarantined.set(result.uuid, { ...queuedRow(entry), state: "quarantined", reason: result.reason });
      }
    });
  });
  // The server's list again only when it can have changed: something was sent, the list on
  // screen is the one kept from an earlier connection, or the session has ended (the kept list
  // goes) — not after every pass, which on a first load asked for the list twice.
  syncer.addEventListener("done", (event) => {
    if (event.detail.sent || state.todayKeptAt || state.loginRequired) refreshToday();
  });
  window.addEventListener("online", () => { renderOfflineNote(false); renderToday(); });
  window.addEventListener("offline", () => { renderOfflineNote(true); renderToday(); });
}

/** The rest of the start, after app.js has drawn the first list (``listShown``: the queue's and
 * the server's lists both drawn). */
export async function start(requests, listShown) {
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "sync") syncer.run();
    });
  }
  let placeShown = false;
  const showPlace = () => {
    if (placeShown || !state.context) return;
    placeShown = true;
    choosePlace();
    renderPlace();
  };
  const placed = loadContext(requests, showPlace).then((loaded) => {
    if (loaded) showPlace(); // offline: the context kept on the device
    return loaded;
  });
  const [loaded] = await Promise.all([placed, listShown]);
  if (!loaded) return;
  await syncer.start();
  document.body.dataset.ready = "true";
}
