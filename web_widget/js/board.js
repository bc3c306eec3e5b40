// The answer board: a grid of symbol cards. Tapping a card speaks it; choosing it is a
// second, deliberate tap (or one tap when the profile says so). Arrow keys move between
// cards (roving tabindex), Enter or Space acts like a tap. The pressed card is the state,
// shown by aria-pressed. A check-back card carries a stance ("I like", "I don't like"),
// shown as a second, smaller symbol, and sent back with the card when it is chosen.

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
    this.root.addEventListener("keydown", (event) => this.onKey(event));
  }

  show(message) {
    this.root.replaceChildren();
    this.root.dataset.kind = message.board;
    this.hint.textContent = "";
    const columns = message.board === "scale" ? 3
      : ["yes_no", "stop"].includes(message.board) ? 2
      : message.board === "check" ? Math.min(3, message.cards.length)
      : COLUMNS[this.cardsPerBoard] || 3;
    this.root.style.setProperty("--columns", columns);
    this.cards = message.cards.map((card, index) => this.makeCard(card, index));
    this.root.setAttribute("role", this.cards.length ? "group" : "presentation");
    if (this.cards.length) this.cards[0].tabIndex = 0;
  }

  clear() {
    this.root.replaceChildren();
    this.root.dataset.kind = "none";
    this.cards = [];
    this.hint.textContent = "";
  }

  makeCard(card, index) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "card";
    button.tabIndex = -1;
    button.dataset.concept = card.concept;
    button.dataset.cardType = card.type;
    if (card.stance) button.dataset.stance = card.stance;
    button.setAttribute("aria-pressed", "false");
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
    this.root.append(button);
    return button;
  }

  // A tap: the first speaks the card and marks it; the second (or the first, in
  // single-tap mode) chooses it.
  activate(button, inputMode) {
    const label = button.querySelector(".card-label").textContent;
    if (this.selection === "single_tap" || button.getAttribute("aria-pressed") === "true") {
      this.speak(label);
      this.choose(button.dataset.concept, inputMode, button.dataset.stance);
      return;
    }
    this.cards.forEach((card) => card.setAttribute("aria-pressed", "false"));
    button.setAttribute("aria-pressed", "true");
    this.hint.textContent = `${label}: tap again to choose it.`;
    this.speak(label);
  }

  onKey(event) {
    const index = this.cards.indexOf(document.activeElement);
    if (index < 0) return;
    const columns = Number(this.root.style.getPropertyValue("--columns")) || 3;
    const moves = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns,
                   Home: -index, End: this.cards.length - 1 - index};
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(this.cards.length - 1, index + moves[event.key]));
    this.focus(next);
  }

  focus(index) {
    this.cards.forEach((card, i) => { card.tabIndex = i === index ? 0 : -1; });
    this.cards[index].focus();
  }
}
