// Switch scanning, scoped to its board: the element whose items it scans (the answer board,
// or a dialog's own buttons), plus any element scanned with it (`also`: the always-there
// bar of repeat, break and stop beside the answer board). It hears keys only from inside
// those, never from the adult's panel, a text field or another dialog. One switch (auto):
// the highlight moves by itself at the profile's speed and a press chooses the highlighted
// item. Two switches (step): Space moves the highlight, Enter chooses. The highlighted item
// is spoken. There is no time limit: scanning goes round until a choice.

export class Scanner {
  constructor(board, {mode, intervalMs, items, speak, select, also = []}) {
    this.regions = [board, ...also];
    this.mode = mode;
    this.intervalMs = Math.max(500, intervalMs || 2000);
    this.items = items;       // () => the elements to scan, in order
    this.speak = speak;
    this.select = select;
    this.index = -1;
    this.highlighted = null;
    this.timer = null;
    this.paused = false;
    for (const region of this.regions) {
      region.addEventListener("keydown", (event) => this.onKey(event));
      region.addEventListener("keyup", (event) => this.onKeyUp(event));
    }
  }

  get active() {
    return this.mode === "auto" || this.mode === "step";
  }

  // Does a key pressed with this element focused reach the scanner?
  hears(element) {
    return Boolean(element) && this.regions.some((region) => region.contains(element));
  }

  // Start again from before the first item (a new board, or a dialog just opened).
  restart() {
    if (!this.active) return;
    this.stop();
    this.index = -1;
    if (this.mode === "auto" && !this.paused) {
      this.next();
      this.timer = setInterval(() => this.next(), this.intervalMs);
    }
  }

  pause(paused) {
    this.paused = paused;
    if (paused) this.stop(); else this.restart();
  }

  // No highlight and no timer until the next restart (the board went, or the dialog closed).
  stop() {
    this.stopTimer();
    this.clearHighlight();
  }

  stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  clearHighlight() {
    if (this.highlighted) this.highlighted.classList.remove("scan-highlight");
    this.highlighted = null;
  }

  next() {
    const items = this.items();
    if (!items.length) return;
    this.index = (this.index + 1) % items.length;
    this.clearHighlight();
    const item = items[this.index];
    item.classList.add("scan-highlight");
    this.highlighted = item;
    item.scrollIntoView({block: "nearest"});
    this.speak(item.querySelector(".card-label")?.textContent || item.textContent.trim());
  }

  // A text field's keys are typing, not a switch.
  listening(event) {
    return this.active && !this.paused
      && !(event.target.closest && event.target.closest("input, textarea"));
  }

  // A switch's key must not also press the focused button (Space acts on key up).
  onKeyUp(event) {
    if (this.listening(event) && (event.key === " " || event.key === "Enter")) event.preventDefault();
  }

  onKey(event) {
    if (!this.listening(event)) return;
    const items = this.items();
    if (this.mode === "step" && event.key === " ") {
      event.preventDefault();
      this.next();
    } else if ((this.mode === "step" && event.key === "Enter") ||
               (this.mode === "auto" && (event.key === " " || event.key === "Enter"))) {
      event.preventDefault();
      if (this.index >= 0 && items[this.index]) this.select(items[this.index]);
    }
  }
}
