// The floor screen's first module: it asks for the data (the HTML has preloaded the list and the
// context, so these calls take those answers), draws "Vandaag" as soon as the list is in, and only
// then loads the rest of the page (controls.js: the actions, the sheets, the sync). On a first
// load over a slow network the list is what the screen waits for (docs/benchmarks.md, phone
// figures): it no longer waits for the whole page's script to be evaluated and wired first.
// Every tap is written to IndexedDB and shows as logged at once; names never appear unless one is
// deliberately revealed.
import { getJson } from "./shared.js";
import { firstDrawn, refreshToday, renderToday } from "./today.js";

// At most this long the controls wait for the first list: a slow answer must not hold back the
// buttons (they are usually wired some tens of ms after the list is drawn).
const CONTROLS_WAIT_MS = 300;

// The data first, all of it at once: on a slow network each request costs a round trip of its
// own. Each is handled where it is used.
const requests = {
  today: getJson("/api/floor/today"),
  context: getJson("/api/floor/context"),
  students: getJson("/api/floor/students"),
};
Object.values(requests).forEach((request) => request.catch(() => {}));

// The queue and today's list each shown as soon as their own data is in: whichever draws last
// draws from all that is known by then (on a first load the server's list does not wait for
// IndexedDB to open).
const queueShown = renderToday();
const listShown = Promise.all([refreshToday(requests.today, true), queueShown]);

const drawnOrLate = Promise.race([
  firstDrawn, new Promise((resolve) => { setTimeout(resolve, CONTROLS_WAIT_MS); }),
]);
drawnOrLate.then(() => import("./controls.js")).then(({ start }) => start(requests, listShown));
