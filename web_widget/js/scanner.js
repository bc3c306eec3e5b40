// Switch scanning. One switch (auto): the highlight moves by itself at the profile's speed
// and a press chooses the highlighted item. Two switches (step): Space moves the highlight,
// Enter chooses. The highlighted item is spoken. There is no time limit: scanning goes round
// until a choice is made.

export class Scanner {
  constructor({mode, intervalMs, items, speak, select}) {
    this.mode = mode;
    this.intervalMs = Math.max(500, intervalMs || 2000);
    this.items = items;       // () => the elements to scan, in order
    this.speak = speak;
    this.select = select;
    this.index = -1;
    this.timer = null;
    this.paused = false;
    document.addEventListener("keydown", (event) => this.onKey(event));
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
    if (paused) this.stopTimer(); else this.restart();
  }

  stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  clearHighlight() {
    document.querySelectorAll(".scan-highlight").forEach((el) => el.classList.remove("scan-highlight"));
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

  onKey(event) {
    if (!this.active || this.paused) return;
    if (event.target.closest && event.target.closest("input, textarea, .adult-panel, .dialog")) return;
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
