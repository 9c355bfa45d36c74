// The LSU "Synchronisation Base Élèves" screen works without this script:
// a running synchronisation's page refreshes itself, and « Tout cocher » is
// a link. The script only shows the progress live, without reloading the
// page, and ticks every class in place.
"use strict";

// Follow the progress of a running synchronisation; reload its page, which
// then shows the report, once it has ended.
function followProgress(box) {
  const url = box.dataset.progressUrl;
  const text = box.querySelector("[data-progress-text]");
  const bar = box.querySelector("progress");
  const poll = async () => {
    let p;
    try {
      const resp = await fetch(url, { cache: "no-store", credentials: "same-origin" });
      // Not found (replaced by another run) or no longer authorised: the
      // page says which.
      p = resp.ok ? await resp.json() : { running: false };
    } catch {
      window.setTimeout(poll, 2000); // the server is away: try again, slower
      return;
    }
    if (!p.running) {
      window.location.reload();
      return;
    }
    if (text.textContent !== p.text) {
      text.textContent = p.text;
    }
    if (p.total > 0) {
      bar.max = p.total;
      bar.value = p.done;
      bar.textContent = p.text;
    }
    window.setTimeout(poll, 500);
  };
  window.setTimeout(poll, 300);
}

// Replace the « Tout cocher » link, which reloads the page, by a button
// that ticks every class in place and keeps what was ticked by hand.
function tickAll(link) {
  const boxes = Array.from(link.closest("form").querySelectorAll('input[type="checkbox"][name="classe"]:not(:disabled)'));
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondaire petit";
  button.dataset.toutCocher = "";
  const label = () => {
    button.textContent = boxes.every((b) => b.checked) ? "Tout décocher" : "Tout cocher";
  };
  button.addEventListener("click", () => {
    const tick = !boxes.every((b) => b.checked);
    boxes.forEach((b) => { b.checked = tick; });
    label();
  });
  boxes.forEach((b) => b.addEventListener("change", label));
  label();
  link.replaceWith(button);
}

document.querySelectorAll("[data-progress-url]").forEach(followProgress);
document.querySelectorAll("[data-tout-cocher]").forEach(tickAll);
