// Switch scanning, scoped to one root (the tablet page, or a dialog over it). One switch
// (auto): the highlight moves by itself at the profile's speed and a press chooses the
// highlighted item. Two switches (step): Space moves the highlight, Enter chooses. The
// highlighted item is spoken. There is no time limit: scanning goes round until a choice.

export class Scanner {
  constructor(root, {mode, intervalMs, items, speak, select}) {
    this.root = root;
    this.mode = mode;
    this.intervalMs = Math.max(500, intervalMs || 2000);
    this.items = items;       // () => the elements to scan, in order
    this.speak = speak;
    this.select = select;
    this.index = -1;
    this.timer = null;
    this.paused = false;
    this.onKey = this.onKey.bind(this);
    this.onKeyUp = this.onKeyUp.bind(this);
    this.root.addEventListener("keydown", this.onKey);
    this.root.addEventListener("keyup", this.onKeyUp);
  }

  get active() {
    return this.mode === "auto" || this.mode === "step";
  }

  restart() {
    if (!this.active) return;
    this.stopTimer();
    this.index = -1;
    this.clearHighlight();
    if (this.mode === "auto" && !this.paused) {
      this.next();
      this.timer = setInterval(() => this.next(), this.intervalMs);
    }
  }

  pause(paused) {
    this.paused = paused;
    if (paused) { this.stopTimer(); this.clearHighlight(); } else this.restart();
  }

  stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // Stop for good: the timer and the key listener.
  destroy() {
    this.stopTimer();
    this.root.removeEventListener("keydown", this.onKey);
    this.root.removeEventListener("keyup", this.onKeyUp);
  }

  clearHighlight() {
    this.root.querySelectorAll(".scan-highlight").forEach((el) => el.classList.remove("scan-highlight"));
  }

  next() {
    const items = this.items();
    if (!items.length) return;
    this.index = (this.index + 1) % items.length;
    this.clearHighlight();
    const item = items[this.index];
    item.classList.add("scan-highlight");
    item.scrollIntoView({block: "nearest"});
    this.speak(item.querySelector(".card-label")?.textContent || item.textContent.trim());
  }

  // A switch's key must not also press the focused button (Space acts on key up).
  onKeyUp(event) {
    if (this.active && !this.paused && (event.key === " " || event.key === "Enter")
        && !(event.target.closest && event.target.closest("input, textarea"))) {
      event.preventDefault();
    }
  }

  onKey(event) {
    if (!this.active || this.paused) return;
    if (event.target.closest && event.target.closest("input, textarea")) return;
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
