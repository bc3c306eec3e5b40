// The tablet's conversation page: shows each bot message as symbolised text with its
// board of answer cards, and sends typed words or a chosen card. The session token comes
// from the URL fragment (#token=...) and is sent as a bearer token; nothing else identifies
// the pupil. All text is set with textContent, never as HTML.

const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const conversation = document.getElementById("conversation");
const board = document.getElementById("board");
const statusLine = document.getElementById("status");

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"},
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    statusLine.textContent = data.error || "Something went wrong.";
  } else {
    statusLine.textContent = "";
  }
  (data.messages || []).forEach(show);
  return data;
}

function show(message) {
  const bubble = document.createElement("p");
  bubble.className = "bot";
  for (const word of message.symbols && message.symbols.length ? message.symbols : [{text: message.text}]) {
    const span = document.createElement("span");
    span.className = "word";
    if (word.symbol) {
      const symbol = document.createElement("span");
      symbol.className = "symbol";
      symbol.dataset.symbol = word.symbol;
      symbol.setAttribute("aria-hidden", "true");
      symbol.textContent = word.symbol;
      span.append(symbol);
    }
    span.append(document.createTextNode(word.text));
    bubble.append(span, " ");
  }
  conversation.append(bubble);
  if (message.prompt || message.cards.length) showBoard(message);
}

function showBoard(message) {
  board.replaceChildren();
  board.dataset.kind = message.board;
  for (const card of message.cards) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "card";
    button.dataset.concept = card.concept;
    const symbol = document.createElement("span");
    symbol.className = "symbol";
    symbol.dataset.symbol = card.symbol;
    symbol.setAttribute("role", "img");
    symbol.setAttribute("aria-label", card.alt);
    symbol.textContent = card.symbol;
    button.append(symbol, document.createTextNode(card.label));
    button.addEventListener("click", () => {
      board.replaceChildren();
      call("/api/chat/message", {card: card.concept, input_mode: "touch"});
    });
    board.append(button);
  }
}

document.getElementById("typed").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("answer");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  call("/api/chat/message", {text, input_mode: "typed"});
});
document.getElementById("repeat").addEventListener("click", () => call("/api/chat/repeat"));
document.getElementById("stop").addEventListener("click", () => call("/api/chat/stop"));

call("/api/chat/start");
