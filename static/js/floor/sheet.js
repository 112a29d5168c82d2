// The sheet for the kinds that need more than one tap, and choosing students in it: the server's
// search online, the phone's own index (initials, class, number, location code) offline.
import { logEntry } from "./entry.js";
import {
  $, $$, currentLocation, firstMissing, fold, getJson, kindFields, kindLabels, maxHeadCount,
  messages, missingMessages, state, tokenText,
} from "./shared.js";

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
