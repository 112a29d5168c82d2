// What every part of the floor screen shares: the page's own settings and texts, the screen's
// state, and small helpers. Part of the first module graph (app.js): kept small, no work at load
// beyond reading the page.
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

export function timeLabel(iso) {
  return new Date(iso).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
}

/** The time, with the day in front when it is not today (kept entries of earlier days). */
export function whenLabel(iso) {
  const moment = new Date(iso);
  if (moment.toDateString() === new Date().toDateString()) return timeLabel(iso);
  return `${moment.toLocaleDateString("nl-NL", { day: "2-digit", month: "2-digit" })} ${timeLabel(iso)}`;
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
  const pad = (n) => String(n).padStart(2, "0");
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

