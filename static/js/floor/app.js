// The floor screen. Every tap is written to IndexedDB and shows as logged at once (should the
// write fail, its row goes again and the screen says so); the Syncer sends it when it can. Names never appear unless one is deliberately revealed.
import {
  allStudents, clearPersonal, enqueue, forgetToday, getMeta, keepToday, keptToday, lastQueued,
  queued, removeFromQueue, replaceStudents, setMeta,
} from "./store.js";
import { Syncer } from "./sync.js";

const IDLE_MS = 60_000;
const REVEAL_MS = 5_000;
const ZONE_KEY = "schoolfit.floor.place";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const messages = $("#messages").dataset;
const kindLabels = { ...JSON.parse(messages.kinds), klimaatcheck: messages.climateKind };
const detailLabels = JSON.parse(messages.details);
// What each kind's sheet shows and requires: the server's own definition (app/floor/rules.py).
const kindFields = JSON.parse(messages.kindFields);
const missingMessages = JSON.parse(messages.missing);
const maxHeadCount = Number(document.body.dataset.maxHeadCount) || 500;
// The undo window: the server's setting (FLOOR_UNDO_MS), 10 s unless configured otherwise.
const UNDO_MS = Number(document.body.dataset.undoMs) || 10_000;
const syncer = new Syncer({ maxBatch: Number(document.body.dataset.maxBatch) || 100 });

const state = {
  context: null, // {locations: [{id, code, name, zones: [{id, name}]}]}
  place: null, // {location_id, zone_id}
  minutesAgo: 0,
  serverToday: [], // today's own entries as the server knows them
  serverQuarantined: [], // own entries the server kept in quarantine, until the desk saw them
  quarantined: new Map(), // uuid -> row, quarantined in this visit and not yet listed above
  todayKeptAt: null, // when the list above is the one kept on the phone: when it was fetched
  signingOut: false, // set before the phone is cleared: nothing personal is kept after that
  lastEntry: null,
  undoTimer: null,
  students: [], // minimal index
  sheet: null, // {kind, students: [], topic, severity, outcome}
  loginRequired: false,
  logoutArmed: false,
};

// ---------- helpers ----------
function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function timeLabel(iso) {
  return new Date(iso).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
}

/** The time, with the day in front when it is not today (kept entries of earlier days). */
function whenLabel(iso) {
  const moment = new Date(iso);
  if (moment.toDateString() === new Date().toDateString()) return timeLabel(iso);
  return `${moment.toLocaleDateString("nl-NL", { day: "2-digit", month: "2-digit" })} ${timeLabel(iso)}`;
}

/** A student as the floor shows them: initials · class · number · location code. */
function tokenText(token) {
  return [token.i, token.c, token.n, token.l].filter(Boolean).join(" · ");
}

/** Lower case without accents or punctuation: "Ö.Y." and "oy" compare equal. */
function fold(text) {
  return String(text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function currentLocation() {
  if (!state.context || !state.place) return null;
  return state.context.locations.find((loc) => loc.id === state.place.location_id) || null;
}

function currentZone() {
  const location = currentLocation();
  return location ? location.zones.find((zone) => zone.id === state.place.zone_id) || null : null;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  if (response.status === 401) {
    const error = new Error("login required");
    error.status = 401;
    throw error;
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// ---------- place: location and zone ----------
function rememberPlace() {
  localStorage.setItem(ZONE_KEY, JSON.stringify(state.place));
}

function choosePlace() {
  const locations = state.context ? state.context.locations : [];
  if (!locations.length) return;
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(ZONE_KEY) || "null"); } catch (error) { saved = null; }
  const location = locations.find((loc) => saved && loc.id === saved.location_id) || locations[0];
  const zone = location.zones.find((z) => saved && z.id === saved.zone_id) || location.zones[0];
  state.place = { location_id: location.id, zone_id: zone ? zone.id : null };
  rememberPlace();
}

function renderPlace() {
  const location = currentLocation();
  const zones = $("#zones");
  zones.replaceChildren();
  const button = $("#location-button");
  if (!location) return;
  button.hidden = state.context.locations.length < 2;
  button.textContent = location.code;
  button.setAttribute("aria-label", `Locatie ${location.code}, wijzigen`);
  location.zones.forEach((zone) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.setAttribute("role", "radio");
    chip.setAttribute("aria-checked", String(zone.id === state.place.zone_id));
    chip.dataset.zoneId = zone.id;
    chip.textContent = zone.name;
    chip.addEventListener("click", () => {
      state.place.zone_id = zone.id;
      rememberPlace();
      renderPlace();
    });
    zones.append(chip);
  });
  const selected = $('[aria-checked="true"]', zones);
  if (selected && selected.scrollIntoView) selected.scrollIntoView({ block: "nearest", inline: "center" });
}

function openLocationSheet() {
  const options = $("#location-options");
  options.replaceChildren();
  state.context.locations.forEach((location) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button wide";
    button.textContent = `${location.code} – ${location.name}`;
    button.addEventListener("click", () => {
      state.place = { location_id: location.id, zone_id: location.zones[0] ? location.zones[0].id : null };
      rememberPlace();
      renderPlace();
      $("#location-sheet").close();
    });
    options.append(button);
  });
  $("#location-sheet").showModal();
}

// ---------- time ----------
function setMinutesAgo(minutes) {
  state.minutesAgo = minutes;
  $$("#when button").forEach((b) => b.setAttribute("aria-checked", String(Number(b.dataset.minutes) === minutes)));
}

// ---------- logging ----------
async function logEntry(fields) {
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

function showToast(text, undoable) {
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

async function undoLast() {
  const entry = state.lastEntry;
  if (!entry || Date.now() > entry.notBefore) return;
  state.lastEntry = null; // first: a write failing meanwhile then knows it was undone
  await removeFromQueue([entry.uuid]);
  showToast(messages.undone, false);
  await renderToday();
}

// ---------- today's list ----------
// Names revealed by a tap, by leerlingnummer, until their moment is over: today's list is drawn
// again when a sync ends, and a name tapped just before must not vanish with the old row.
const revealedNames = new Map();

function renderTokenButton(token) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "token";
  button.dataset.number = token.n;
  button.title = messages.revealName;
  const revealed = revealedNames.get(token.n);
  button.textContent = revealed ? revealed.name : maskedText(token);
  button.dataset.revealed = revealed ? "true" : "false";
  button.addEventListener("click", () => revealName(button, token));
  return button;
}

function maskedText(token) {
  return `${token.i} ${token.c}`.trim();
}

async function revealName(button, token) {
  if (button.dataset.revealed === "true") return;
  let name;
  try {
    name = (await getJson(`/api/floor/students/${encodeURIComponent(token.n)}/name`)).name;
  } catch (error) {
    name = messages.nameOffline;
  }
  const revealed = { name };
  revealedNames.set(token.n, revealed);
  showRevealed(token.n, name);
  setTimeout(() => {
    if (revealedNames.get(token.n) !== revealed) return; // revealed again since: its own timer
    revealedNames.delete(token.n);
    showRevealed(token.n, null, maskedText(token));
  }, REVEAL_MS);
}

/** Every button of this student in today's list, as drawn now: the name, or masked again. */
function showRevealed(number, name, masked = "") {
  document.querySelectorAll("#today-list .token[data-number]").forEach((button) => {
    if (button.dataset.number !== number) return;
    button.textContent = name || masked;
    button.dataset.revealed = name ? "true" : "false";
  });
}

function queuedRow(entry) {
  return {
    uuid: entry.uuid, kind: entry.kind, zone: entry.zone_name, occurred_at: entry.occurred_at,
    detail: entry.topic || entry.severity || entry.outcome || entry.flag_type || (entry.head_count ? String(entry.head_count) : ""),
    students: entry.tokens || [],
  };
}

// A row's state: pending (on the phone), refused (on the phone, the server's quarantine is
// full: sent again later), quarantined (kept by the server: "niet verwerkt — zie bureau",
// until the desk has seen it), or sent.
const STATE_TEXT = () => ({
  pending: messages.pending, refused: messages.refused, quarantined: messages.notProcessed, sent: "✓",
});

function todayItem(row, stateText) {
  const item = document.createElement("li");
  item.dataset.state = row.state;
  item.dataset.uuid = row.uuid;
  const time = document.createElement("time");
  time.dateTime = row.occurred_at;
  time.textContent = whenLabel(row.occurred_at);
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = kindLabels[row.kind] || row.kind || "?";
  const where = document.createElement("span");
  where.className = "muted";
  where.textContent = [detailLabels[row.detail] || row.detail, row.zone].filter(Boolean).join(" · ");
  item.append(time, kind, where);
  (row.students || []).forEach((token) => {
    if (token.i) item.append(renderTokenButton(token));
    else item.append(Object.assign(document.createElement("span"), { className: "token", textContent: token.n }));
  });
  const status = document.createElement("span");
  status.className = "state";
  status.textContent = stateText[row.state];
  item.append(status);
  if (row.reason) {
    const reason = document.createElement("span");
    reason.className = "reason";
    reason.textContent = row.repeats > 1 ? `${row.reason} (${row.repeats}×)` : row.reason;
    item.append(reason);
  }
  return item;
}

/** A just-tapped entry listed at once, in its place by time: the confirmation a tap waits for
 * (docs/benchmarks.md, phone figures). Its write to the queue is under way; renderToday()
 * redraws the whole list from the queue itself once it is stored. Returns the row. */
function listQueued(entry) {
  const row = { ...queuedRow(entry), state: "pending" };
  const list = $("#today-list");
  const later = Array.from(list.children).find((item) => {
    const time = item.querySelector("time");
    return time && time.dateTime.localeCompare(row.occurred_at) < 0;
  });
  const item = todayItem(row, STATE_TEXT());
  list.insertBefore(item, later || null);
  $("#today-empty").hidden = true;
  return item;
}

/** ``reuseQueue``: draw from the queue as this page last read it, if unchanged since. */
async function renderToday(reuseQueue = false) {
  drawToday((reuseQueue && lastQueued()) || await queued());
}

/** Today's list from the queue (``pending``) and the server's lists; ``pending`` null: the queue
 * is not read yet (IndexedDB still opening on a first load), its rows and count follow. */
function drawToday(pending) {
  const known = pending !== null;
  pending = pending || [];
  const pendingIds = new Set(pending.map((e) => e.uuid));
  const kept = new Map(state.serverQuarantined.map((row) => [row.uuid, { ...row, state: "quarantined" }]));
  state.quarantined.forEach((row, uuid) => { if (!kept.has(uuid)) kept.set(uuid, row); });
  const rows = [
    ...pending.filter((e) => e.type !== "climate").map((e) => ({
      ...queuedRow(e), state: e.refused ? "refused" : "pending", reason: e.refused || "",
    })),
    ...[...kept.values()].filter((row) => !pendingIds.has(row.uuid)),
    ...state.serverToday.filter((e) => !pendingIds.has(e.uuid) && !kept.has(e.uuid)).map((e) => ({ ...e, state: "sent" })),
  ];
  const today = new Date().toDateString();
  const visible = rows
    .filter((row) => row.state !== "sent" || new Date(row.occurred_at).toDateString() === today)
    .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));
  const list = $("#today-list");
  list.replaceChildren();
  const stateText = STATE_TEXT();
  visible.forEach((row) => list.append(todayItem(row, stateText)));
  $("#today-empty").hidden = visible.length > 0;
  const keptNote = $("#today-kept");
  keptNote.hidden = !state.todayKeptAt;
  keptNote.textContent = state.todayKeptAt ? `${messages.todayKept} ${timeLabel(state.todayKeptAt)}` : "";
  $("#today-count").textContent = visible.length ? `(${visible.length})` : "";
  if (known) renderPending(pending.length);
}

function renderPending(count, syncState) {
  const status = $("#sync-status");
  const counter = $("#pending-count");
  counter.textContent = String(count);
  counter.dataset.count = String(count);
  let label = messages.allSent;
  let stateName = "idle";
  if (count > 0) {
    label = messages.pending;
    stateName = "pending";
  }
  if (navigator.onLine === false) {
    label = count > 0 ? `${messages.offline} · ${messages.pending}` : messages.offline;
    stateName = "offline";
  } else if (syncState === "sending" && count > 0) {
    label = messages.sending;
    stateName = "sending";
  }
  $("#pending-label").textContent = label;
  status.dataset.state = stateName;
}

/** ``request``: the list asked for already (main() asks at once, beside the context);
 * ``reuseQueue``: see renderToday (a first load: the queue was read a moment ago). */
async function refreshToday(request = getJson("/api/floor/today"), reuseQueue = false) {
  let keeping = null;
  try {
    const today = await request;
    state.serverToday = today.entries;
    state.serverQuarantined = today.quarantined || [];
    state.quarantined.clear(); // the server's list is the truth from here on
    state.todayKeptAt = null;
    // A list that arrives while logging out is not kept: the check and the write are in one
    // turn, so a write that passed it is queued before the logout's clearing and cleared by it.
    if (!state.signingOut) keeping = keepToday(localDay(), state.serverToday, state.serverQuarantined);
  } catch (error) {
    if (error.status === 401) {
      // Signed out on the server (expired, or ended from another device): the kept list goes.
      showLoginRequired();
      await forgetToday();
      state.serverToday = [];
      state.serverQuarantined = [];
      state.todayKeptAt = null;
    } else {
      // Offline: the list as the server last sent it today, said so on screen.
      const kept = await keptToday(localDay());
      if (kept) {
        state.serverToday = kept.entries || [];
        state.serverQuarantined = kept.quarantined || [];
        state.todayKeptAt = kept.savedAt;
      }
    }
  }
  // Shown without waiting for the copy kept for offline use: on a first load this list is the
  // largest thing the screen paints (docs/benchmarks.md, phone figures). There, the server's
  // rows are drawn even before IndexedDB has opened; the queued ones join them once it has.
  if (reuseQueue && !lastQueued()) drawToday(null);
  await renderToday(reuseQueue);
  // Not kept (storage full, private mode): the list shown is still the server's own.
  if (keeping) await keeping.catch(() => {});
}

// ---------- the sheet for kinds with details ----------
function openSheet(kind) {
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

/** The first required field (per the server's definition) still empty, or null. */
function firstMissing(kind, fields) {
  return kindFields[kind].required.find((name) => {
    const value = fields[name];
    return value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
  }) || null;
}

async function submitSheet(extra = {}) {
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

function renderOfflineNote(offline) {
  $("#student-offline").hidden = !offline;
}

let searchSerial = 0;
async function searchStudents(query) {
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

// ---------- climate check: one tap per zone visited today ----------
let climateShowAll = false;
let climateToday = new Map(); // zone_id -> rating, as known on this phone

function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function loadClimateToday() {
  try {
    const data = await getJson("/api/floor/climate");
    climateToday = new Map(data.checks.map((check) => [check.zone_id, check.rating]));
  } catch (error) {
    // Offline: what this phone tapped (still queued) is shown below.
  }
  (await queued()).filter((item) => item.type === "climate" && item.day === localDay())
    .forEach((item) => climateToday.set(item.zone_id, item.rating));
}

async function visitedZoneIds() {
  const ids = new Set();
  const location = currentLocation();
  if (state.place && state.place.zone_id) ids.add(state.place.zone_id);
  const names = new Map(location ? location.zones.map((z) => [z.name, z.id]) : []);
  state.serverToday.forEach((e) => { if (names.has(e.zone)) ids.add(names.get(e.zone)); });
  (await queued()).forEach((e) => { if (e.zone_id && e.type !== "climate") ids.add(e.zone_id); });
  return ids;
}

async function renderClimate() {
  const location = currentLocation();
  const list = $("#climate-zones");
  list.replaceChildren();
  if (!location) return;
  const visited = await visitedZoneIds();
  const zones = location.zones.filter((zone) => climateShowAll || visited.has(zone.id) || climateToday.has(zone.id));
  $("#climate-all").hidden = climateShowAll || zones.length === location.zones.length;
  zones.forEach((zone) => {
    const row = $("#climate-row").content.firstElementChild.cloneNode(true);
    $(".climate-zone", row).textContent = zone.name;
    $(".climate-choices", row).setAttribute("aria-label", zone.name);
    $$("[data-rating]", row).forEach((button) => {
      button.setAttribute("aria-pressed", String(climateToday.get(zone.id) === button.dataset.rating));
      button.addEventListener("click", () => rateZone(zone, button.dataset.rating, $(".climate-note", row).value, row));
    });
    list.append(row);
  });
}

async function rateZone(zone, rating, note, row) {
  const now = Date.now();
  // One queued check per zone and day: a second tap replaces the first on the phone as well.
  const previous = (await queued()).filter((item) => item.type === "climate" && item.zone_id === zone.id && item.day === localDay());
  await removeFromQueue(previous.map((item) => item.uuid));
  await enqueue({
    uuid: uuid4(), type: "climate", zone_id: zone.id, zone_name: zone.name, day: localDay(),
    rating, note: (note || "").trim(), checked_at: new Date(now).toISOString(), created: now, notBefore: now,
  });
  climateToday.set(zone.id, rating);
  $$("[data-rating]", row).forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.rating === rating)));
  showToast(`${messages.climateSaved} · ${zone.name} · ${rating}`, false);
  renderPending((await queued()).length);
  syncer.run();
}

async function openClimateSheet() {
  climateShowAll = false;
  await loadClimateToday();
  await renderClimate();
  $("#climate-sheet").showModal();
}

// ---------- privacy: blur when hidden or idle ----------
let idleTimer = null;
function shield(on) {
  $("#privacy-shield").hidden = !on;
  document.body.classList.toggle("shielded", on);
}
function resetIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => shield(true), IDLE_MS);
}

// ---------- session ----------
function showLoginRequired() {
  state.loginRequired = true;
  $("#login-banner").hidden = false;
}

async function logout() {
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

// Background Sync where the browser has it (Chromium); the page's own replay is the main path.
async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("schoolfit-floor-sync");
  } catch (error) {
    // Not supported or not allowed: the 30-second replay covers it.
  }
}

// ---------- start ----------
/** ``requests``: the context and the student index, asked for already by main().
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
  $("#climate-all").addEventListener("click", () => { climateShowAll = true; renderClimate(); });
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
  syncer.addEventListener("done", () => refreshToday());
  window.addEventListener("online", () => { renderOfflineNote(false); renderToday(); });
  window.addEventListener("offline", () => { renderOfflineNote(true); renderToday(); });
}

async function main() {
  // The data first, all of it at once: on a slow network each request costs a round trip of
  // its own, and the page's own start (IndexedDB, the queued entries) runs meanwhile
  // (docs/benchmarks.md, phone figures). Each is handled where it is used.
  const requests = {
    context: getJson("/api/floor/context"),
    students: getJson("/api/floor/students"),
    today: getJson("/api/floor/today"),
  };
  Object.values(requests).forEach((request) => request.catch(() => {}));
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "sync") syncer.run();
    });
  }
  // The queue, the place and today's list each shown as soon as their own data is in: whichever
  // draws last draws from all that is known by then.
  const queueShown = renderToday();
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
  const [loaded] = await Promise.all([placed, refreshToday(requests.today, true), queueShown]);
  if (!loaded) return;
  await syncer.start();
  document.body.dataset.ready = "true";
}

main();
