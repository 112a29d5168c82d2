// IndexedDB on the phone: the queue of entries not yet sent, a minimal student index
// (number, initials, class — never names), the user's locations/zones and today's own list as
// the server last sent it (masked as on screen: no notes, no names) for offline use.
const DB_NAME = "schoolfit-floor";
const DB_VERSION = 1;
let dbPromise = null;

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "uuid" });
        if (!db.objectStoreNames.contains("students")) db.createObjectStore("students", { keyPath: "n" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

async function run(storeNames, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeNames, mode);
    let result;
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
    const stores = storeNames.map((name) => transaction.objectStore(name));
    const request = work(...stores);
    if (request) request.onsuccess = () => { result = request.result; };
  });
}

// This page's writes to the queue, counted: a read begun after the last of them still holds the
// queue as it is, so a first load can draw its list without reading the queue again (each read
// costs tens of ms on a slow phone; docs/benchmarks.md, phone figures).
let queueWrites = 0;
let lastRead = null; // {writes, entries}

/** Write an entry to the queue; resolves once it is durably stored. */
export function enqueue(entry) {
  queueWrites += 1;
  return run(["queue"], "readwrite", (queue) => { queue.put(entry); });
}

/** Every queued entry, oldest first. */
export async function queued() {
  const writes = queueWrites;
  const entries = (await run(["queue"], "readonly", (queue) => queue.getAll())) || [];
  entries.sort((a, b) => a.created - b.created);
  lastRead = { writes, entries };
  return [...entries];
}

/** The queue as this page last read it, if the page has not written to it since; else null.
 * Another tab's writes are not seen here: use it only where a moment's staleness is harmless. */
export function lastQueued() {
  return lastRead && lastRead.writes === queueWrites ? [...lastRead.entries] : null;
}

/** Remove exactly these UUIDs (the ones the server answered for); nothing else. */
export function removeFromQueue(uuids) {
  queueWrites += 1;
  return run(["queue"], "readwrite", (queue) => { uuids.forEach((uuid) => queue.delete(uuid)); });
}

export function replaceStudents(students) {
  return run(["students"], "readwrite", (store) => {
    store.clear();
    students.forEach((student) => store.put({ n: student.n, i: student.i, c: student.c, l: student.l }));
  });
}

export async function allStudents() {
  return (await run(["students"], "readonly", (store) => store.getAll())) || [];
}

export async function getMeta(key) {
  const record = await run(["meta"], "readonly", (store) => store.get(key));
  return record ? record.value : undefined;
}

export function setMeta(key, value) {
  return run(["meta"], "readwrite", (store) => { store.put({ key, value }); });
}

const TODAY_KEY = "today";

/** Keep today's own list from the server (masked: initials and class, no notes) for offline. */
export function keepToday(day, entries, quarantined) {
  return setMeta(TODAY_KEY, { day, savedAt: new Date().toISOString(), entries, quarantined });
}

/** The list kept for ``day``, or null; a list of another day is deleted, not shown. */
export async function keptToday(day) {
  const kept = await getMeta(TODAY_KEY);
  if (!kept) return null;
  if (kept.day !== day) {
    await forgetToday();
    return null;
  }
  return kept;
}

export function forgetToday() {
  return run(["meta"], "readwrite", (meta) => { meta.delete(TODAY_KEY); });
}

/** On logout: drop the student index, the user's context and today's kept list; the queue
 * stays until sent. */
export function clearPersonal() {
  return run(["students", "meta"], "readwrite", (students, meta) => {
    students.clear();
    meta.clear();
  });
}
