// Sends the queue to the server. Page-side replay (on load, on `online`, every 30 s while
// anything is pending) is the main mechanism: iOS Safari has no Background Sync.
import { enqueue, queued, removeFromQueue } from "./store.js";

const RETRY_MS = 30_000;
// An entry the server refused to keep (its quarantine for this user is full) stays on the phone
// and is sent again after this long.
const REFUSED_RETRY_MS = 10 * 60_000;

function climatePayload(item) {
  const { uuid, zone_id, day, rating, note, checked_at } = item;
  return { uuid, zone_id, day, rating, note, checked_at };
}

function payload(entry) {
  const { uuid, kind, zone_id, occurred_at, students, topic, severity, outcome, flag_type,
    head_count, note, made_offline } = entry;
  return { uuid, kind, zone_id, occurred_at, students, topic, severity, outcome, flag_type,
    head_count, note, made_offline };
}

export class Syncer extends EventTarget {
  constructor({ maxBatch = 100 } = {}) {
    super();
    this.maxBatch = maxBatch;
    this.running = false;
    this.again = false;
    this.timer = null;
    this.heldTimer = null;
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  start() {
    window.addEventListener("online", () => this.run());
    window.addEventListener("offline", () => this.emit("state", { state: "offline" }));
    this.timer = setInterval(async () => {
      if ((await queued()).length) this.run();
    }, RETRY_MS);
    return this.run();
  }

  /** Run a sync now; a call while one is running schedules one more pass. "done" says whether
   * the server answered for anything (``sent``): only then can its list of today have changed. */
  async run() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let sent = false;
    try {
      do {
        this.again = false;
        const pass = () => this.once();
        // One tab at a time where the browser can tell (retries are idempotent anyway).
        const answered = navigator.locks
          ? await navigator.locks.request("schoolfit-floor-sync", pass)
          : await pass();
        sent = sent || answered === true;
      } while (this.again);
    } finally {
      this.running = false;
      this.emit("done", { sent });
    }
  }

  /** Entries still inside their undo window are sent as soon as it closes. */
  scheduleHeldBack(entries, now) {
    const held = entries.filter((entry) => (entry.notBefore || 0) > now);
    if (!held.length) return;
    const wait = Math.min(...held.map((entry) => entry.notBefore)) - now + 100;
    clearTimeout(this.heldTimer);
    this.heldTimer = setTimeout(() => this.run(), wait);
  }

  /** One pass; true when the server answered for at least one batch. */
  async once() {
    let sentAny = false;
    const now = Date.now();
    const entries = await queued();
    this.scheduleHeldBack(entries, now);
    const due = entries.filter((entry) => (entry.notBefore || 0) <= now);
    if (!due.length) return;
    if (navigator.onLine === false) {
      this.emit("state", { state: "offline" });
      return;
    }
    this.emit("state", { state: "sending" });
    let token;
    try {
      const response = await fetch("/api/floor/csrf", {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
      });
      if (response.status === 401) {
        this.emit("login-required");
        return;
      }
      if (!response.ok) {
        this.emit("state", { state: "error", status: response.status });
        return;
      }
      token = (await response.json()).token;
    } catch (error) {
      this.emit("state", { state: "offline" });
      return;
    }
    for (let start = 0; start < due.length; start += this.maxBatch) {
      const batch = due.slice(start, start + this.maxBatch);
      let response;
      try {
        response = await fetch("/api/floor/entries", {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
          body: JSON.stringify({
            entries: batch.filter((item) => item.type !== "climate").map(payload),
            climate: batch.filter((item) => item.type === "climate").map(climatePayload),
          }),
        });
      } catch (error) {
        this.emit("state", { state: "offline" });
        return sentAny;
      }
      if (response.status === 401) {
        this.emit("login-required");
        return sentAny;
      }
      if (!response.ok) {
        // Kept in the queue; tried again on the next pass.
        this.emit("state", { state: "error", status: response.status });
        return sentAny;
      }
      const { results } = await response.json();
      const sent = new Map(batch.map((entry) => [entry.uuid, entry]));
      // Refused: not kept by the server; it stays in the queue, marked, for a later pass.
      const refused = results.filter((result) => result.status === "refused" && sent.has(result.uuid));
      for (const result of refused) {
        await enqueue({ ...sent.get(result.uuid), refused: result.reason, notBefore: Date.now() + REFUSED_RETRY_MS });
      }
      const refusedIds = new Set(refused.map((result) => result.uuid));
      const answered = results.map((result) => result.uuid).filter((uuid) => sent.has(uuid) && !refusedIds.has(uuid));
      await removeFromQueue(answered);
      const quarantined = results.filter((result) => result.status === "quarantined");
      sentAny = true;
      this.emit("sent", { results, quarantined, batch });
    }
    return sentAny;
  }
}
