// Logging an entry: a tap is written to IndexedDB and listed at once (should the write fail, its
// row goes again and the screen says so); the Syncer sends it when its undo window has closed.
import { enqueue, removeFromQueue } from "./store.js";
import { Syncer } from "./sync.js";
import { setMinutesAgo } from "./place.js";
import {
  $, UNDO_MS, currentZone, firstMissing, kindLabels, messages, state, timeLabel, uuid4,
} from "./shared.js";
import { listQueued, renderToday } from "./today.js";

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
