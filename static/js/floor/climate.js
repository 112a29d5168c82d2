// The climate check: at the end of a shift, one tap per zone visited today. Loaded by
// controls.js when it is first opened.
import { enqueue, queued, removeFromQueue } from "./store.js";
import { showToast, syncer } from "./controls.js";
import {
  $, $$, currentLocation, getJson, localDay, messages, renderPending, state, uuid4,
} from "./app.js";

let climateShowAll = false;
let climateToday = new Map(); // zone_id -> rating, as known on this phone

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

export async function openClimateSheet() {
  climateShowAll = false;
  await loadClimateToday();
  await renderClimate();
  $("#climate-sheet").showModal();
}

export function showAllZones() {
  climateShowAll = true;
  renderClimate();
}
