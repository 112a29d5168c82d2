// "Vandaag": today's own entries, from the queue on the phone and the server's list. Part of the
// first module graph (app.js): on a first load this list is what the screen waits for
// (docs/benchmarks.md, phone figures), so it is drawn before the rest of the page is loaded.
import { forgetToday, keepToday, keptToday, lastQueued, queued } from "./store.js";
import {
  $, detailLabels, getJson, kindLabels, localDay, messages, showLoginRequired, state, timeLabel,
  whenLabel,
} from "./shared.js";

const REVEAL_MS = 5_000;

// Resolved once the first load's list is on screen: the server's (or, offline, the one kept on
// the phone), with the queue's rows if the queue was read by then. app.js loads the rest of the
// page after it.
let markDrawn;
export const firstDrawn = new Promise((resolve) => { markDrawn = resolve; });

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
export function listQueued(entry) {
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
 * ``reuseQueue``: see renderToday (a first load: the queue was read a moment ago). */
export async function refreshToday(request = getJson("/api/floor/today"), reuseQueue = false) {
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
  const drawn = renderToday(reuseQueue); // draws before its first await when reusing the queue
  if (reuseQueue) markDrawn();
  await drawn;
  // Not kept (storage full, private mode): the list shown is still the server's own.
  if (keeping) await keeping.catch(() => {});
}
