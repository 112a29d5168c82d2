// Where and when: the location and zone an entry is made at (remembered on the phone), and the
// time set back for the next entry.
import { $, $$, currentLocation, state } from "./shared.js";

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
