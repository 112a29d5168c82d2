// The floor screen's controls, loaded by app.js once the first list is on screen: logging an
// entry (written to IndexedDB and listed at once; should the write fail, its row goes again and
// the screen says so; the Syncer sends it when its undo window has closed), the sheet for the
// kinds that need more than one tap and choosing students in it, the session (the privacy
// shield, logging out), and wiring it all up. The climate check is loaded when it is opened.
import {
  allStudents, clearPersonal, enqueue, getMeta, queued, removeFromQueue, replaceStudents, setMeta,
} from "./store.js";
import { Syncer } from "./sync.js";
import {
  $, $$, UNDO_MS, ZONE_KEY, choosePlace, currentLocation, currentZone, firstMissing, fold, getJson,
  kindFields, kindLabels, listQueued, maxHeadCount, messages, missingMessages, openLocationSheet,
  queuedRow, refreshToday, renderPending, renderPlace, renderToday, setMinutesAgo,
  showLoginRequired, state, timeLabel, tokenText, uuid4,
} from "./app.js";

const IDLE_MS = 60_000;

// ---------- logging ----------
export const syncer = new Syncer({ maxBatch: Number(document.body.dataset.maxBatch) || 100 });

export async function logEntry(fields) {
  // The last guard: nothing incomplete enters the queue, whatever called this.
  if (firstMissing(fields.kind, fields)) return null;
  const zone = currentZone();
  if (!zone) {
    showToast(messages.chooseZone, false);
    return null;
  }
  const now = Date.now();
  const entry = {
    uuid: uuid4(),
    kind: fields.kind,
    zone_id: zone.id,
    location_id: state.place.location_id,
    zone_name: zone.name,
    occurred_at: new Date(now - state.minutesAgo * 60_000).toISOString(),
    students: (fields.students || []).map((token) => token.n),
    tokens: (fields.students || []).map((token) => ({ n: token.n, i: token.i, c: token.c, l: token.l })),
    topic: fields.topic || null,
    severity: fields.severity || null,
    outcome: fields.outcome || null,
    flag_type: fields.flag_type || null,
    head_count: fields.head_count || null,
    note: (fields.note || "").trim(),
    made_offline: navigator.onLine === false,
    created: now,
    notBefore: now + UNDO_MS, // held back while it can still be undone
  };
  // The write starts now and the row shows at once, "niet verstuurd", without waiting for it
  // (IndexedDB takes 7–21 ms on a slow phone; docs/benchmarks.md, phone figures). Should the
  // write fail, the row goes and the toast says so: nothing on screen claims an entry the phone
  // does not hold. An undo meanwhile is safe: its delete is ordered after this write.
  const stored = enqueue(entry);
  const row = listQueued(entry);
  state.lastEntry = entry;
  setMinutesAgo(0);
  const who = entry.tokens.map((token) => `${token.i} ${token.c}`.trim()).join(", ");
  const label = [`${kindLabels[entry.kind]} ${messages.logged}`, who, zone.name, timeLabel(entry.occurred_at)]
    .filter(Boolean).join(" · ");
  showToast(label, true);
  try {
    await stored;
  } catch (error) {
    row.remove();
    const undone = state.lastEntry !== entry;
    if (!undone) {
      state.lastEntry = null;
      showToast(messages.notStored, false);
    }
    await renderToday();
    return null;
  }
  requestBackgroundSync();
  await renderToday();
  syncer.run(); // schedules the send for when the undo window closes
  return entry;
}

export function showToast(text, undoable) {
  const toast = $("#toast");
  $("#toast-text").textContent = text;
  const undo = $("#undo-button");
  undo.hidden = !undoable;
  toast.hidden = false;
  clearInterval(state.undoTimer);
  const until = Date.now() + (undoable ? UNDO_MS : 3_000);
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    $("#undo-seconds").textContent = undoable ? `(${left})` : "";
    if (left <= 0) {
      clearInterval(state.undoTimer);
      toast.hidden = true;
      state.lastEntry = null;
    }
  };
  tick();
  state.undoTimer = setInterval(tick, 250);
}

export async function undoLast() {
  const entry = state.lastEntry;
  if (!entry || Date.now() > entry.notBefore) return;
  state.lastEntry = null; // first: a write failing meanwhile then knows it was undone
  await removeFromQueue([entry.uuid]);
  showToast(messages.undone, false);
  await renderToday();
}

// Background Sync where the browser has it (Chromium); the page's own replay is the main path.
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("schoolfit-floor-sync");
  } catch (error) {
    // Not supported or not allowed: the 30-second replay covers it.
  }
}

// ---------- the sheet for kinds with details ----------
export function openSheet(kind) {
  state.sheet = { kind, students: [], topic: null, severity: null, outcome: null, flag_type: null };
  const sheet = $("#entry-sheet");
  const parts = kindFields[kind].parts;
  $("#sheet-title").textContent = kindLabels[kind];
  $$(".sheet-part", sheet).forEach((part) => { part.hidden = !parts.includes(part.dataset.part); });
  // A flag is logged by tapping its kind; it has no separate save button.
  $("#save-button").hidden = parts.includes("flag_type");
  $$(".chip[data-field]", sheet).forEach((chip) => chip.setAttribute("aria-pressed", "false"));
  $("#note").value = "";
  $("#note-left").textContent = document.body.dataset.noteMax;
  $("#head-count").value = "5";
  $("#student-search").value = "";
  $("#student-results").replaceChildren();
  $("#sheet-error").hidden = true;
  renderOfflineNote(navigator.onLine === false);
  renderSelected();
  sheet.showModal();
  if (parts[0] === "students") $("#student-search").focus();
}

function sheetError(text) {
  const error = $("#sheet-error");
  error.textContent = text;
  error.hidden = false;
}

/** The sheet's fields as the entry will carry them. */
function sheetFields(sheet, extra) {
  const parts = kindFields[sheet.kind].parts;
  const fields = { kind: sheet.kind, note: parts.includes("note") ? $("#note").value : "", ...extra };
  fields.students = parts.includes("students") ? sheet.students : [];
  ["topic", "severity", "outcome", "flag_type"].forEach((name) => {
    if (parts.includes(name) && !fields[name]) fields[name] = sheet[name] || null;
  });
  if (parts.includes("head_count")) {
    const count = Number($("#head-count").value);
    fields.head_count = Number.isInteger(count) && count >= 1 && count <= maxHeadCount ? count : null;
  }
  return fields;
}

export async function submitSheet(extra = {}) {
  const sheet = state.sheet;
  if (!sheet) return null;
  const fields = sheetFields(sheet, extra);
  const missing = firstMissing(sheet.kind, fields);
  if (missing) {
    sheetError(missingMessages[missing]);
    return null;
  }
  const entry = await logEntry(fields);
  if (entry) {
    $("#entry-sheet").close();
    state.sheet = null;
  }
  return entry;
}

/** Other students in the index with the same initials and class as ``token``. */
function lookalikes(token) {
  return state.students.filter((s) => s.n !== token.n && s.i === token.i && s.c === token.c);
}

// The chosen students, before anything is stored: initials, class, number and location code,
// with "Wijzigen" (back to the search) and a warning when initials and class occur twice.
function renderSelected() {
  const list = $("#student-selected");
  list.replaceChildren();
  const chosen = state.sheet ? state.sheet.students : [];
  $("#student-chosen-title").hidden = !chosen.length;
  chosen.forEach((token) => {
    const item = document.createElement("li");
    item.className = "chosen";
    item.dataset.number = token.n;
    const text = document.createElement("span");
    text.className = "chosen-text";
    [token.i, token.c, token.n, token.l].forEach((part, index) => {
      if (!part) return;
      if (text.childNodes.length) text.append(" · ");
      const piece = document.createElement(index === 2 ? "strong" : "span");
      piece.textContent = part;
      text.append(piece);
    });
    const change = document.createElement("button");
    change.type = "button";
    change.className = "link-button chosen-change";
    change.textContent = messages.change;
    change.setAttribute("aria-label", `${tokenText(token)} ${messages.change.toLowerCase()}`);
    change.addEventListener("click", () => {
      state.sheet.students = state.sheet.students.filter((t) => t.n !== token.n);
      renderSelected();
      $("#student-search").focus();
    });
    item.append(text, change);
    const twins = lookalikes(token).length;
    if (twins) {
      const warn = document.createElement("span");
      warn.className = "chosen-twin";
      warn.textContent = messages.sameInitials.replace("{initials}", `${token.i} ${token.c}`.trim());
      item.append(warn);
    }
    list.append(item);
  });
}

/** Offline, on the phone's own index: every word must start the initials (dots and accents
 * ignored), the class or the leerlingnummer, or be the location code. Names are not on the
 * phone, so they cannot be found here. The chosen location first. */
function localMatches(query) {
  // "S.B." is one word: the dots go, the spaces separate.
  const words = String(query || "").split(/[\s,]+/).map((w) => fold(w).replace(/ /g, "")).filter(Boolean);
  if (!words.length) return [];
  const here = (currentLocation() || {}).code;
  const compact = fold(query).replace(/ /g, "");
  const found = state.students.filter((s) => {
    const initials = fold(s.i).replace(/ /g, "");
    const klass = fold(s.c).replace(/ /g, "");
    const code = fold(s.l);
    const wordHits = words.every((w) => initials.startsWith(w) || klass.startsWith(w) || s.n.toLowerCase().startsWith(w) || code === w);
    // "L.V." and "l v" are one set of initials.
    return wordHits || (compact.length > 1 && initials.startsWith(compact));
  });
  return found.sort((a, b) => Number(b.l === here) - Number(a.l === here)
    || Number(b.n === compact) - Number(a.n === compact)
    || a.c.localeCompare(b.c) || a.i.localeCompare(b.i) || a.n.localeCompare(b.n));
}

export function renderOfflineNote(offline) {
  $("#student-offline").hidden = !offline;
}

let searchSerial = 0;
export async function searchStudents(query) {
  const serial = ++searchSerial;
  const results = new Map();
  localMatches(query).slice(0, 8).forEach((s) => results.set(s.n, s));
  const offline = navigator.onLine === false;
  renderOfflineNote(offline);
  renderResults([...results.values()], query, offline);
  if (query.trim().length >= 2 && !offline) {
    try {
      const location = state.place ? `&location=${encodeURIComponent(state.place.location_id)}` : "";
      const data = await getJson(`/api/floor/students/search?q=${encodeURIComponent(query.trim())}${location}`);
      if (serial !== searchSerial) return;
      // The server's ranking (chosen location first, best match first), then what only the
      // phone's index found (initials).
      const merged = new Map();
      data.students.forEach((s) => merged.set(s.n, s));
      results.forEach((s, n) => { if (!merged.has(n)) merged.set(n, s); });
      const here = (currentLocation() || {}).code;
      const ranked = [...merged.values()].map((s, index) => ({ s, index }))
        .sort((a, b) => Number(b.s.l === here) - Number(a.s.l === here) || a.index - b.index)
        .map(({ s }) => s);
      renderOfflineNote(false);
      renderResults(ranked.slice(0, 8), query, false);
    } catch (error) {
      // No answer (a dead corner) or signed out: the phone's index is what we have.
      if (serial !== searchSerial || error.status === 401) return;
      renderOfflineNote(true);
      renderResults([...results.values()], query, true);
    }
  }
}

function renderResults(students, query, offline) {
  const list = $("#student-results");
  list.replaceChildren();
  const chosen = new Set((state.sheet ? state.sheet.students : []).map((t) => t.n));
  const shown = students.filter((s) => !chosen.has(s.n));
  // Initials and class that occur more than once in this list: the number tells them apart.
  const seen = new Map();
  shown.forEach((s) => { const key = `${s.i} ${s.c}`; seen.set(key, (seen.get(key) || 0) + 1); });
  shown.forEach((student) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("role", "option");
    button.textContent = tokenText(student);
    if (seen.get(`${student.i} ${student.c}`) > 1) button.dataset.twin = "true";
    button.addEventListener("click", () => {
      state.sheet.students.push(student);
      $("#student-search").value = "";
      list.replaceChildren();
      renderSelected();
      $("#sheet-error").hidden = true;
    });
    item.append(button);
    list.append(item);
  });
  if ([...seen.values()].some((count) => count > 1)) {
    const item = document.createElement("li");
    item.className = "muted twin-note";
    item.textContent = messages.twins;
    list.append(item);
  }
  if (!shown.length && query.trim().length >= 2) {
    const item = document.createElement("li");
    item.className = "muted";
    item.textContent = offline ? messages.noResultsOffline : messages.noResults;
    list.append(item);
  }
}

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

// ---------- start ----------
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
  // The climate check, at the end of a shift: its module is loaded when it is first opened.
  $("#climate-button").addEventListener("click", async () => (await import("./climate.js")).openClimateSheet());
  $("#climate-all").addEventListener("click", async () => (await import("./climate.js")).showAllZones());
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
