// The afternoon inbox, fast with the keyboard:
//   j / ArrowDown, k / ArrowUp   next / previous entry
//   v  conversation report     c  case     o  parent call
//   a  close with a reason (type, Enter)   r  "voor rapportage"   t  "voor teamleider"
//   Escape  leave the reason field         ?  show the shortcuts
const ACTION_KEYS = new Set(["v", "c", "o", "r", "t"]);
const inbox = document.querySelector("[data-inbox]");

function visibleItems() {
  return Array.from(inbox.querySelectorAll("[data-item-key]")).filter((item) => {
    const details = item.closest("details");
    return !details || details.open;
  });
}

let current = null;

function select(item, { focus = true, scroll = true } = {}) {
  if (!item) return;
  if (current) current.classList.remove("is-current");
  current = item;
  item.classList.add("is-current");
  if (focus) item.focus({ preventScroll: true });
  if (scroll) item.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const items = visibleItems();
  if (!items.length) return;
  const index = items.indexOf(current);
  const next = index === -1 ? (step > 0 ? 0 : items.length - 1)
    : Math.min(items.length - 1, Math.max(0, index + step));
  select(items[next]);
}

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) {
    if (event.key === "Escape" && current) {
      event.preventDefault();
      event.target.blur();
      select(current);
    }
    return;
  }
  const key = event.key;
  if (key === "j" || key === "ArrowDown") {
    event.preventDefault();
    move(1);
  } else if (key === "k" || key === "ArrowUp") {
    event.preventDefault();
    move(-1);
  } else if (key === "?") {
    const help = inbox.querySelector(".kbd-help");
    if (help) help.open = !help.open;
  } else if (key === "a" && current) {
    const field = current.querySelector('input[data-key="a"]');
    if (field) {
      event.preventDefault();
      field.focus();
    }
  } else if (ACTION_KEYS.has(key) && current) {
    const action = current.querySelector(`[data-key="${key}"]`);
    if (action) {
      event.preventDefault();
      action.click();
    }
  }
});

// Focus moved into an entry (a click on one of its buttons, or Tab): it becomes the current one
// without scrolling. A click focuses its button on mousedown; scrolling then (the item's
// scroll-margin brought it up ~19 px near the bottom of the window) moved the button away
// before mouseup, and the click was lost.
inbox.addEventListener("focusin", (event) => {
  const item = event.target.closest && event.target.closest("[data-item-key]");
  if (item && item !== current) select(item, { focus: false, scroll: false });
});

// After an action the server sends us back to "#item-<key>": continue where we were.
function restore() {
  const match = /^#item-(\w+)$/.exec(window.location.hash);
  const items = visibleItems();
  if (!items.length) return;
  if (match) {
    const target = inbox.querySelector(`[data-item-key="${match[1]}"]`);
    if (target && items.includes(target)) {
      select(target);
      return;
    }
    // The entry was worked out and moved to "Verwerkt": go on with the first open one.
    const open = items.find((item) => !item.classList.contains("is-done"));
    select(open || items[0]);
    return;
  }
  select(items[0], { focus: false });
}

restore();
