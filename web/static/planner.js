// The week grid: drag programmes from the library into slots, move items within and between
// slots, and the same without a mouse ("Choose", then "Put here"). Every edit sends the week's
// ETag in If-Match; the server answers the re-rendered week (fill, rule status, actions), or the
// week as it now is with a conflict message when someone else changed it meanwhile.

const root = document.getElementById("planner");
if (root) init(root);

function init(root) {
  const pane = document.getElementById("week");
  const results = document.getElementById("library-results");
  const form = document.getElementById("library-form");
  const message = document.getElementById("grid-message");
  let choice = null; // {kind: "programme" | "item", id, seconds, title, el}
  let drag = null; // the same while a drag is in progress
  let busy = false;
  let page = 1;

  const etag = () => pane.querySelector("#week-body")?.dataset.etag || "";
  const text = (key, values = {}) => {
    let s = root.dataset["t" + key] || "";
    for (const [k, v] of Object.entries(values)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
  const minutes = (seconds) => String(Math.round((seconds / 60) * 10) / 10);

  function say(words, kind = "ok") {
    message.textContent = words;
    message.className = `flash gridmsg ${words ? kind : ""}`;
  }

  function describe(el) {
    if (el.dataset.programme) {
      return { kind: "programme", id: +el.dataset.programme, seconds: +el.dataset.seconds, title: el.dataset.title, el };
    }
    return { kind: "item", id: +el.dataset.item, seconds: +el.dataset.seconds, title: el.dataset.title, el };
  }

  function clearChoice() {
    if (choice?.el) {
      const pressed = choice.el.matches(".item") ? choice.el : choice.el.querySelector(".pick");
      pressed?.setAttribute("aria-pressed", "false");
      choice.el.classList.remove("chosen");
    }
    choice = null;
    root.classList.remove("choosing");
  }

  // The library was redrawn: a programme chosen meanwhile stays chosen if it is still listed.
  function keepChoice() {
    const el = results.querySelector(`.prog[data-programme="${choice.id}"]`);
    if (!el) {
      clearChoice();
      return;
    }
    choice.el = el;
    el.classList.add("chosen");
    el.querySelector(".pick")?.setAttribute("aria-pressed", "true");
  }

  function choose(el) {
    const next = describe(el);
    const same = choice && choice.kind === next.kind && choice.id === next.id;
    clearChoice();
    if (same) {
      say(text("Cancelled"));
      return;
    }
    choice = next;
    el.classList.add("chosen");
    (el.matches(".item") ? el : el.querySelector(".pick"))?.setAttribute("aria-pressed", "true");
    root.classList.add("choosing");
    say(text(next.kind === "programme" ? "Chosen" : "Moving", { title: next.title }));
  }

  // Where a thing may go: the slot's free airtime (an item already in the slot always fits).
  function fits(thing, slot) {
    if (thing.kind === "item" && slot.contains(thing.el)) return true;
    return thing.seconds <= +slot.dataset.free;
  }

  function refuseLength(thing, slot) {
    say(text("TooLong", { title: thing.title, m: minutes(thing.seconds), free: minutes(Math.max(0, +slot.dataset.free)) }), "error");
  }

  // The position among the slot's other items just before `before` (null: at the end).
  function position(slot, thing, before) {
    if (!before) return null;
    const others = [...slot.querySelectorAll(".item")].filter((li) => !(thing.kind === "item" && +li.dataset.item === thing.id));
    const at = others.indexOf(before);
    return at < 0 ? null : at;
  }

  function put(thing, slot, before) {
    if (thing.kind === "item" && before && +before.dataset.item === thing.id) return;
    if (!fits(thing, slot)) {
      refuseLength(thing, slot);
      return;
    }
    const body = { slot_id: +slot.dataset.slot, position: position(slot, thing, before) };
    if (thing.kind === "programme") Object.assign(body, { op: "add", programme_id: thing.id });
    else Object.assign(body, { op: "move", item_id: thing.id });
    if (body.position === null) delete body.position;
    edit(body, slot.dataset.slot);
  }

  async function edit(body, focusSlot) {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(root.dataset.editUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": root.dataset.csrf, "If-Match": etag() },
        body: JSON.stringify(body),
      });
      let data = {};
      try {
        data = await response.json();
      } catch {
        data = {};
      }
      if (data.html) swap(data.html, focusSlot);
      if (response.ok) {
        clearChoice();
        say(data.message || "");
        loadLibrary(page);
      } else {
        say(data.message || text("Failed"), "error");
      }
    } catch {
      say(text("Failed"), "error");
    } finally {
      busy = false;
    }
  }

  function swap(html, focusSlot) {
    const chosen = choice;
    pane.innerHTML = html;
    if (chosen?.kind === "item") clearChoice(); // the chosen element was replaced
    const slot = focusSlot && pane.querySelector(`.slot[data-slot="${focusSlot}"]`);
    slot?.querySelector(".put, .item[tabindex]")?.focus({ preventScroll: true });
  }

  // -- the library panel ---------------------------------------------------------------------

  let timer = 0;
  let asked = 0;
  async function loadLibrary(n = 1) {
    const ask = ++asked;
    page = n;
    const params = new URLSearchParams(new FormData(form));
    params.set("page", String(n));
    try {
      const response = await fetch(`${root.dataset.libraryUrl}?${params}`, { credentials: "same-origin" });
      if (ask !== asked) return; // a newer search is on its way
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        say(data.message || text("Failed"), "error");
        return;
      }
      results.innerHTML = await response.text();
      if (choice?.kind === "programme") keepChoice();
    } catch {
      say(text("Failed"), "error");
    }
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => loadLibrary(1), 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadLibrary(1);
  });
  results.addEventListener("click", (event) => {
    const pick = event.target.closest(".pick");
    if (pick) choose(pick.closest(".prog"));
    const more = event.target.closest(".page");
    if (more) loadLibrary(+more.dataset.page);
  });

  // -- keyboard and touch: choose, then put here -----------------------------------------------

  pane.addEventListener("click", (event) => {
    const target = event.target;
    const slot = target.closest(".slot");
    const item = target.closest(".item");
    if (target.closest(".remove") && item) {
      clearChoice();
      edit({ op: "remove", item_id: +item.dataset.item }, slot?.dataset.slot);
    } else if (target.closest(".put-before") && choice && slot) {
      put(choice, slot, item);
    } else if (target.closest(".put") && choice && slot) {
      put(choice, slot, null);
    } else if (item && item.hasAttribute("tabindex") && !target.closest("button")) {
      choose(item);
    }
  });
  pane.addEventListener("keydown", (event) => {
    const item = event.target.closest?.(".item[tabindex]");
    if (item && event.target === item && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      choose(item);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && choice) {
      clearChoice();
      say(text("Cancelled"));
    }
  });

  // -- drag and drop -------------------------------------------------------------------------

  function startDrag(event, el) {
    drag = describe(el);
    event.dataTransfer.setData("text/plain", `${drag.kind}:${drag.id}`);
    event.dataTransfer.effectAllowed = drag.kind === "programme" ? "copy" : "move";
    root.classList.add("dragging");
  }
  results.addEventListener("dragstart", (event) => {
    const prog = event.target.closest?.(".prog");
    if (prog) startDrag(event, prog);
  });
  pane.addEventListener("dragstart", (event) => {
    const item = event.target.closest?.(".item[draggable]");
    if (item) startDrag(event, item);
  });
  document.addEventListener("dragend", () => {
    drag = null;
    root.classList.remove("dragging");
    pane.querySelectorAll(".drop-ok, .drop-no").forEach((el) => el.classList.remove("drop-ok", "drop-no"));
  });
  pane.addEventListener("dragover", (event) => {
    const slot = event.target.closest?.(".slot");
    if (!slot || !drag) return;
    event.preventDefault(); // a drop is always taken: a refusal says why
    const ok = fits(drag, slot);
    // Even a slot too short takes the drop (shown red): the planner then reads why it is refused.
    event.dataTransfer.dropEffect = drag.kind === "programme" ? "copy" : "move";
    slot.classList.toggle("drop-ok", ok);
    slot.classList.toggle("drop-no", !ok);
  });
  pane.addEventListener("dragleave", (event) => {
    const slot = event.target.closest?.(".slot");
    if (slot && !slot.contains(event.relatedTarget)) slot.classList.remove("drop-ok", "drop-no");
  });
  pane.addEventListener("drop", (event) => {
    const slot = event.target.closest?.(".slot");
    if (!slot || !drag) return;
    event.preventDefault();
    const thing = drag;
    slot.classList.remove("drop-ok", "drop-no");
    put(thing, slot, event.target.closest(".item"));
  });
}
