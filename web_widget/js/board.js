// The answer board, a single-select listbox (W3C ARIA APG pattern) of symbol cards. Tapping
// a card selects it and speaks it; choosing it is a second, deliberate tap on the selected
// card (or one tap when the profile says so). Keys: arrows move between cards, Home and End
// go to the first and last, Enter or Space act as a tap, Escape clears the selection.
// aria-selected is the state, with one writer (select): a card the microphone proposed is
// selected the same way. Focus is a roving tabindex: the one card Tab reaches is the one
// last focused, however focus got there (keys, a tap, the page).
//
// Why a listbox and not a radio group: in the APG radio group, moving with the arrows also
// checks, so each arrow press would be a choice; here a pupil must be able to move, and to
// select (hear) a card, without choosing it, which the listbox pattern allows (selection
// need not follow focus). Choosing (the second tap) is this board's own action on top. A check-back card carries a stance ("I like", "I don't like"),
// shown as a second, smaller symbol and sent back with the card. The final mat shows its
// cards in groups (like / not sure / don't like; hopes; help).

const COLUMNS = {2: 2, 4: 2, 6: 3, 9: 3};

export class CardBoard {
  constructor(root, {symbolUrl, speak, choose, hint, selection, cardsPerBoard}) {
    this.root = root;
    this.symbolUrl = symbolUrl;
    this.speak = speak;
    this.choose = choose;
    this.hint = hint;
    this.selection = selection;
    this.cardsPerBoard = cardsPerBoard;
    this.cards = [];
    this.message = null;
    this.root.addEventListener("keydown", (event) => this.onKey(event));
    this.root.addEventListener("focusin", (event) => this.rove(event.target));
    window.addEventListener("resize", () => {
      if (this.message && this.message.board !== "mat") {
        this.root.style.setProperty("--columns", this.columnsFor(this.message));
      }
    });
  }

  show(message) {
    this.message = message;
    this.root.replaceChildren();
    this.root.dataset.kind = message.board;
    this.hint.textContent = "";
    this.root.setAttribute("role", message.cards.length ? "listbox" : "presentation");
    this.root.setAttribute("aria-label", message.board === "mat" ? "What you told me" : "Answers");
    this.cards = message.cards.map((card, index) => this.makeCard(card, index));
    const byId = new Map(this.cards.map((button) => [button.dataset.concept, button]));
    if (message.board === "mat" && message.mat) {
      this.root.style.setProperty("--columns", 1);
      for (const group of message.mat) {
        this.root.append(this.makeGroup(group, group.items.map((id) => byId.get(id)).filter(Boolean)));
      }
      const rest = this.cards.filter((button) => !message.mat.some((g) => g.items.includes(button.dataset.concept)));
      const row = document.createElement("div");
      row.className = "mat-actions";
      row.setAttribute("role", "group");
      row.setAttribute("aria-label", "When it is right");
      row.append(...rest);
      this.root.append(row);
    } else {
      this.root.style.setProperty("--columns", this.columnsFor(message));
      this.root.append(...this.cards);
    }
    if (this.cards.length) this.cards[0].tabIndex = 0;
  }

  // As many columns as keep every card on one screen: two rows across a landscape
  // tablet, up to three columns on a portrait one, two on a phone.
  columnsFor(message) {
    const n = message.cards.length;
    if (message.board === "scale") return 3;
    if (["yes_no", "stop"].includes(message.board)) return 2;
    if (window.innerWidth <= 520) return Math.min(2, n);
    if (window.innerWidth > window.innerHeight) return Math.max(2, Math.min(5, Math.ceil(n / 2)));
    return Math.min(3, Math.max(2, COLUMNS[this.cardsPerBoard] || 3), n);
  }

  clear() {
    this.root.replaceChildren();
    this.root.dataset.kind = "none";
    this.root.setAttribute("role", "presentation");
    this.cards = [];
    this.hint.textContent = "";
  }

  makeGroup(group, buttons) {
    const box = document.createElement("div");
    box.className = "mat-group";
    box.setAttribute("role", "group");
    const title = document.createElement("p");
    title.className = "mat-title";
    title.id = `mat-${group.group}`;
    const image = document.createElement("img");
    image.src = this.symbolUrl(group.symbol);
    image.alt = "";
    image.setAttribute("aria-hidden", "true");
    title.append(image, group.label);
    box.setAttribute("aria-labelledby", title.id);
    const items = document.createElement("div");
    items.className = "mat-items";
    items.append(...buttons);
    box.append(title, items);
    return box;
  }

  makeCard(card, index) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "card";
    button.tabIndex = -1;
    button.setAttribute("role", "option");
    button.setAttribute("aria-selected", "false");
    button.dataset.concept = card.concept;
    button.dataset.cardType = card.type;
    button.dataset.position = String(index);
    if (card.stance) button.dataset.stance = card.stance;
    const pictures = document.createElement("span");
    pictures.className = "card-pictures";
    const image = document.createElement("img");
    image.src = this.symbolUrl(card.symbol);
    image.alt = "";
    image.setAttribute("aria-hidden", "true");
    pictures.append(image);
    if (card.stance_symbol) {
      const stance = document.createElement("img");
      stance.className = "stance-symbol";
      stance.src = this.symbolUrl(card.stance_symbol);
      stance.alt = "";
      stance.setAttribute("aria-hidden", "true");
      pictures.append(stance);
    }
    const label = document.createElement("span");
    label.className = "card-label";
    label.textContent = card.label;
    button.append(pictures, label);
    button.addEventListener("click", (event) => {
      this.activate(button, event.detail === 0 ? "keyboard" : "touch");
    });
    return button;
  }

  card(concept) {
    return this.cards.find((button) => button.dataset.concept === concept) || null;
  }

  // Select one card (or none): the only place aria-selected is written.
  select(button) {
    this.cards.forEach((card) => card.setAttribute("aria-selected", String(card === button)));
  }

  // A tap: the first selects and speaks the card; the second (or the first, in single-tap
  // mode) chooses it.
  activate(button, inputMode) {
    const label = button.querySelector(".card-label").textContent;
    if (this.selection === "single_tap" || button.getAttribute("aria-selected") === "true") {
      this.speak(label);
      this.choose(button, inputMode);
      return;
    }
    this.select(button);
    this.hint.textContent = `${label}: tap again to choose it.`;
    this.speak(label);
  }

  onKey(event) {
    const index = this.cards.indexOf(this.root.ownerDocument.activeElement);
    if (index < 0) return;
    if (event.key === "Escape") {
      this.select(null);
      this.hint.textContent = "";
      return;
    }
    const columns = Number(this.root.style.getPropertyValue("--columns")) || 3;
    const moves = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns,
                   Home: -index, End: this.cards.length - 1 - index};
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.focus(Math.max(0, Math.min(this.cards.length - 1, index + moves[event.key])));
  }

  focus(index = 0) {
    if (!this.cards.length) return;
    this.rove(this.cards[index]);
    this.cards[index].focus();
  }

  // The focused card is the one Tab comes back to.
  rove(focused) {
    if (!this.cards.includes(focused)) return;
    this.cards.forEach((card) => { card.tabIndex = card === focused ? 0 : -1; });
  }
}
