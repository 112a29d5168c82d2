// The floor screen's first module: it asks for the data (the HTML has preloaded the list and the
// context, so these calls take those answers), draws "Vandaag" as soon as the list is in, and
// only then loads the rest of the page (controls.js: the actions, the sheets, the sync). On a
// first load over a slow network the list is what the screen waits for (docs/benchmarks.md,
// phone figures): it does not wait for the rest of the script to be evaluated and wired first.
// Here: what every part shares (the page's settings and texts, the screen's state), today's list,
// and the place. Names never appear unless one is deliberately revealed.
import { forgetToday, keepToday, keptToday, lastQueued, queued } from "./store.js";

// ---------- shared ----------
export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
export const messages = $("#messages").dataset;
export const kindLabels = { ...JSON.parse(messages.kinds), klimaatcheck: messages.climateKind };
export const detailLabels = JSON.parse(messages.details);
// What each kind's sheet shows and requires: the server's own definition (app/floor/rules.py).
export const kindFields = JSON.parse(messages.kindFields);
export const missingMessages = JSON.parse(messages.missing);
export const maxHeadCount = Number(document.body.dataset.maxHeadCount) || 500;
// The undo window: the server's setting (FLOOR_UNDO_MS), 10 s unless configured otherwise.
export const UNDO_MS = Number(document.body.dataset.undoMs) || 10_000;

export const state = {
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
export function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const pad = (n) => String(n).padStart(2, "0");

/** "09:41", as nl-NL writes it. By hand rather than with toLocaleTimeString: the browser's first
 * locale formatting loads its locale data, some 40 ms at 4× CPU on the first load's path to
 * "Vandaag" (docs/benchmarks.md, phone figures), and each call built a formatter anew. */
export function timeLabel(iso) {
  const moment = new Date(iso);
  return `${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

/** The time, with the day in front ("05-12 09:41", nl-NL) when it is not today (kept entries
 * of earlier days). */
export function whenLabel(iso) {
  const moment = new Date(iso);
  if (moment.toDateString() === new Date().toDateString()) return timeLabel(iso);
  return `${pad(moment.getDate())}-${pad(moment.getMonth() + 1)} ${timeLabel(iso)}`;
}

/** Newest first, by the moment itself (the server writes "+00:00", the phone "Z"). A plain
 * comparison: localeCompare's collator costs tens of ms to set up on a slow phone. */
export function newestFirst(a, b) {
  return Date.parse(b.occurred_at) - Date.parse(a.occurred_at);
}

/** A student as the floor shows them: initials · class · number · location code. */
export function tokenText(token) {
  return [token.i, token.c, token.n, token.l].filter(Boolean).join(" · ");
}

/** Lower case without accents or punctuation: "Ö.Y." and "oy" compare equal. */
export function fold(text) {
  return String(text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

export function currentLocation() {
  if (!state.context || !state.place) return null;
  return state.context.locations.find((loc) => loc.id === state.place.location_id) || null;
}

export function currentZone() {
  const location = currentLocation();
  return location ? location.zones.find((zone) => zone.id === state.place.zone_id) || null : null;
}

export async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  if (response.status === 401) {
    const error = new Error("login required");
    error.status = 401;
    throw error;
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

export function localDay(date = new Date()) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first required field (per the server's definition) still empty, or null. */
export function firstMissing(kind, fields) {
  return kindFields[kind].required.find((name) => {
    const value = fields[name];
    return value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
  }) || null;
}

export function showLoginRequired() {
  state.loginRequired = true;
  $("#login-banner").hidden = false;
}

// ---------- today's list ----------
const REVEAL_MS = 5_000;

// Resolved once the first load's list is painted: the server's (or, offline, the one kept on
// the phone). The queue and the controls come after it.
let markDrawn;
const firstDrawn = new Promise((resolve) => { markDrawn = resolve; });

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

export function queuedRow(entry) {
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

// The first list's rows are marked for Element Timing, so the phone bench can tell when
// "Vandaag" was first painted (bench/phone_bench.py); later rows are not: timing each row of
// every redraw would cost a tap's frame.
let markTiming = true;

function todayItem(row, stateText) {
  const item = document.createElement("li");
  item.dataset.state = row.state;
  item.dataset.uuid = row.uuid;
  const time = document.createElement("time");
  time.dateTime = row.occurred_at;
  time.textContent = whenLabel(row.occurred_at);
  if (markTiming) time.setAttribute("elementtiming", "today-row");
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
export function listQueued(entry) {
  const row = { ...queuedRow(entry), state: "pending" };
  const list = $("#today-list");
  const later = Array.from(list.children).find((item) => {
    const time = item.querySelector("time");
    return time && newestFirst({ occurred_at: time.dateTime }, row) > 0;
  });
  const item = todayItem(row, STATE_TEXT());
  list.insertBefore(item, later || null);
  $("#today-empty").hidden = true;
  return item;
}

/** ``reuseQueue``: draw from the queue as this page last read it, if unchanged since. */
export async function renderToday(reuseQueue = false) {
  drawToday((reuseQueue && lastQueued()) || await queued());
}

/** Today's list from the queue (``pending``) and the server's lists; ``pending`` null: the queue
 * is not read yet (IndexedDB still opening on a first load), its rows and count follow. */
export function drawToday(pending) {
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
    .sort(newestFirst);
  const list = $("#today-list");
  list.replaceChildren();
  const stateText = STATE_TEXT();
  visible.forEach((row) => list.append(todayItem(row, stateText)));
  markTiming = false;
  $("#today-empty").hidden = visible.length > 0;
  const keptNote = $("#today-kept");
  keptNote.hidden = !state.todayKeptAt;
  keptNote.textContent = state.todayKeptAt ? `${messages.todayKept} ${timeLabel(state.todayKeptAt)}` : "";
  $("#today-count").textContent = visible.length ? `(${visible.length})` : "";
  if (known) renderPending(pending.length);
}

export function renderPending(count, syncState) {
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

/** ``request``: the list asked for already (app.js asks at once, beside the context);
 * ``firstLoad``: the page's first list — drawn before any IndexedDB work, see below. */
export async function refreshToday(request = getJson("/api/floor/today"), firstLoad = false) {
  let fetched = false;
  try {
    const today = await request;
    state.serverToday = today.entries;
    state.serverQuarantined = today.quarantined || [];
    state.quarantined.clear(); // the server's list is the truth from here on
    state.todayKeptAt = null;
    fetched = true;
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
  if (firstLoad) {
    // On a first load this list is what the screen waits for (docs/benchmarks.md, phone
    // figures): drawn at once, with the queue's rows if it was read already, and painted before
    // IndexedDB is touched (opening it, creating it on a first visit: tens of ms at 4× CPU)
    // and before the controls load. The queued rows and the count join it right after.
    drawToday(lastQueued());
    await nextFrame();
    markDrawn();
  }
  // A list that arrives while logging out is not kept: the check and the write are in one turn,
  // so a write that passed it is queued before the logout's clearing and cleared by it.
  const keeping = fetched && !state.signingOut
    ? keepToday(localDay(), state.serverToday, state.serverQuarantined) : null;
  await renderToday(firstLoad);
  // Not kept (storage full, private mode): the list shown is still the server's own.
  if (keeping) await keeping.catch(() => {});
}

/** After the next frame has been painted (or 100 ms, should the page be hidden: no frames). */
function nextFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
  });
}

// ---------- place: location and zone ----------
export const ZONE_KEY = "schoolfit.floor.place";

function rememberPlace() {
  localStorage.setItem(ZONE_KEY, JSON.stringify(state.place));
}

export function choosePlace() {
  const locations = state.context ? state.context.locations : [];
  if (!locations.length) return;
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(ZONE_KEY) || "null"); } catch (error) { saved = null; }
  const location = locations.find((loc) => saved && loc.id === saved.location_id) || locations[0];
  const zone = location.zones.find((z) => saved && z.id === saved.zone_id) || location.zones[0];
  state.place = { location_id: location.id, zone_id: zone ? zone.id : null };
  rememberPlace();
}

export function renderPlace() {
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

export function openLocationSheet() {
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
export function setMinutesAgo(minutes) {
  state.minutesAgo = minutes;
  $$("#when button").forEach((b) => b.setAttribute("aria-checked", String(Number(b.dataset.minutes) === minutes)));
}

// ---------- start ----------
// At most this long the controls wait for the first list, when its answer is in already.
const CONTROLS_WAIT_MS = 300;

// The data first, all of it at once: on a slow network each request costs a round trip of its
// own. Each is handled where it is used.
const requests = {
  today: getJson("/api/floor/today"),
  context: getJson("/api/floor/context"),
  students: getJson("/api/floor/students"),
};
Object.values(requests).forEach((request) => request.catch(() => {}));

// Today's list first, if its answer (preloaded by the HTML) is in already, as on a first load:
// the queue (IndexedDB) and the controls once it is painted. Otherwise — the shell from the
// service worker, a slow network — they do not wait for the network: queued entries and the
// buttons come at once. Whichever draws last draws from all that is known by then.
const listDrawn = refreshToday(requests.today, true);
const answered = performance.getEntriesByName(new URL("/api/floor/today", window.location.href).href).length > 0;
const drawnOrLate = !answered ? Promise.resolve("late") : Promise.race([
  firstDrawn, new Promise((resolve) => { setTimeout(() => resolve("late"), CONTROLS_WAIT_MS); }),
]);
// The queue is read by refreshToday() once the list is painted; here only if the list is late.
const queueShown = drawnOrLate.then((late) => (late ? renderToday() : null));
const listShown = Promise.all([listDrawn, queueShown]);
drawnOrLate.then(() => import("./controls.js")).then(({ start }) => start(requests, listShown));
