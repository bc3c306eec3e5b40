// The pupil's screen: one conversation, reached with the session's token from the URL
// fragment (#token=...). Shows each bot message as symbolised text, the board of answer
// cards, the always-there repeat, break and stop buttons, and the adult's panel.
// All text is set with textContent, never as HTML.

import {Api} from "./api.js";
import {CardBoard} from "./board.js";
import {Scanner} from "./scanner.js";
import {Speaker} from "./speech.js";

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const state = {profile: {}, paused: false, modelling: false, finished: false, provenance: "independent"};

const api = new Api(token, {
  onMessages: showMessages,
  onProblem: (message, status) => {
    $("status").textContent = message;
    if (status === 409 || status === 404) finish();
  },
  onOffline: (queued) => {
    $("status").textContent = queued
      ? "The connection has dropped. Your answer is saved and will be sent when it comes back."
      : "The connection has dropped. Please wait a moment and try again.";
  },
  onOnline: () => { $("status").textContent = ""; },
});
const speaker = new Speaker(api);

function symbolUrl(symbol) {
  return `/symbols/${encodeURIComponent(state.profile.symbol_set || "openmoji")}/${encodeURIComponent(symbol)}`;
}

const board = new CardBoard($("board"), {
  symbolUrl,
  speak: (text) => speaker.say(text),
  choose: (concept, inputMode) => chooseCard(concept, inputMode),
  hint: $("hint"),
  selection: "two_tap",
  cardsPerBoard: 6,
});

const scanner = new Scanner({
  mode: "off",
  intervalMs: 2000,
  // The answer cards first, then repeat, break and stop, so a switch user can always stop.
  items: () => [...document.querySelectorAll("#board .card"), ...document.querySelectorAll(".bar [data-scan]")],
  speak: (text) => speaker.say(text),
  select: (element) => {
    if (element.classList.contains("card")) chooseCard(element.dataset.concept, "switch");
    else element.click();
  },
});

function showMessages(messages) {
  if (!messages.length) return;
  const conversation = $("conversation");
  conversation.replaceChildren();
  let prompt = null;
  for (const message of messages) {
    conversation.append(symbolisedText(message));
    if (message.prompt) prompt = message;
  }
  if (prompt) {
    board.show(prompt);
    scanner.restart();
    $("banner").hidden = prompt.board !== "handover";
    $("banner").textContent = prompt.board === "handover"
      ? "Adult: please help. You can choose a card with the pupil, or open the panel to skip." : "";
  } else {
    board.clear();
    if (messages.some((m) => /finished|stop now/i.test(m.text))) finish();
  }
  if (state.profile.auto_speak !== false && !state.paused) {
    speaker.say(messages.map((m) => m.text).join(" "));
  }
}

function symbolisedText(message) {
  const line = document.createElement("p");
  line.className = message.prompt ? "bot prompt" : "bot";
  const words = message.symbols && message.symbols.length ? message.symbols : [{text: message.text}];
  for (const word of words) {
    const span = document.createElement("span");
    span.className = "word";
    if (word.symbol) {
      const image = document.createElement("img");
      image.src = symbolUrl(word.symbol);
      image.alt = "";
      image.setAttribute("aria-hidden", "true");
      span.append(image);
    } else {
      span.classList.add("no-symbol");
    }
    const text = document.createElement("span");
    text.textContent = word.text;
    span.append(text);
    line.append(span, " ");
  }
  return line;
}

function chooseCard(concept, inputMode) {
  if (state.finished || state.paused) return;
  if (state.modelling) {
    $("hint").textContent = "Modelling: nothing is recorded.";
    return;
  }
  board.clear();
  scanner.stopTimer();
  api.answer({card: concept, input_mode: inputMode, provenance: state.provenance});
}

function finish() {
  state.finished = true;
  board.clear();
  scanner.stopTimer();
  for (const id of ["repeat", "break", "stop"]) $(id).disabled = true;
  $("typed").hidden = true;
}

function setPaused(paused) {
  state.paused = paused;
  $("paused").hidden = !paused;
  $("pause").setAttribute("aria-pressed", String(paused));
  scanner.pause(paused);
  if (paused) { speaker.stop(); $("resume").focus(); }
}

function openPanel(open) {
  $("adult-confirm").hidden = true;
  $("adult-panel").hidden = !open;
  (open ? $("pause") : $("adult-open")).focus();
}

function applyProfile(profile) {
  state.profile = profile;
  const body = document.body;
  body.classList.remove("text-large", "text-x-large", "text-xx-large");
  body.classList.add(`text-${profile.text_size || "large"}`);
  body.classList.toggle("high-contrast", !!profile.high_contrast);
  body.classList.toggle("reduced-motion", !!profile.reduced_motion);
  board.selection = profile.selection || "two_tap";
  board.cardsPerBoard = profile.cards_per_board || 6;
  scanner.mode = profile.scanning || "off";
  scanner.intervalMs = Math.max(500, profile.scan_interval_ms || 2000);
  $("typed").hidden = !(profile.input_modes || []).includes("typed");
  document.querySelectorAll("img[data-symbol]").forEach((img) => { img.src = symbolUrl(img.dataset.symbol); });
}

// ----- controls
$("repeat").addEventListener("click", () => { if (!state.paused) api.command("/api/chat/repeat"); });
$("stop").addEventListener("click", () => api.command("/api/chat/stop"));
$("break").addEventListener("click", () => setPaused(true));
$("resume").addEventListener("click", () => setPaused(false));
$("typed").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("answer").value.trim();
  if (!text || state.finished || state.paused) return;
  $("answer").value = "";
  if (state.modelling) { $("hint").textContent = "Modelling: nothing is recorded."; return; }
  board.clear();
  api.answer({text, input_mode: "typed", provenance: state.provenance});
});

// ----- the adult's panel: two deliberate steps to open, so a stray tap cannot.
$("adult-open").addEventListener("click", () => { $("adult-confirm").hidden = false; $("adult-cancel").focus(); });
$("adult-cancel").addEventListener("click", () => { $("adult-confirm").hidden = true; $("adult-open").focus(); });
$("adult-yes").addEventListener("click", () => openPanel(true));
$("adult-close").addEventListener("click", () => openPanel(false));
$("pause").addEventListener("click", () => setPaused(!state.paused));
$("skip").addEventListener("click", () => { openPanel(false); api.command("/api/chat/skip"); });
$("modelling").addEventListener("click", () => {
  state.modelling = !state.modelling;
  $("modelling").setAttribute("aria-pressed", String(state.modelling));
  $("banner").hidden = !state.modelling;
  $("banner").textContent = state.modelling ? "Modelling: nothing is recorded." : "";
});
document.querySelectorAll("input[name=provenance]").forEach((radio) => {
  radio.addEventListener("change", () => { state.provenance = radio.value; });
});
$("observation").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("observation-text").value.trim();
  if (!text) return;
  const {status, data} = await api.post("/api/chat/observation", {text});
  $("observation-status").textContent = status === 201 ? "Saved as your observation." : (data.error || "Not saved.");
  if (status === 201) $("observation-text").value = "";
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !$("adult-panel").hidden) openPanel(false);
});

// ----- start
(async () => {
  if (!token) {
    $("status").textContent = "This page needs a link from an adult to start.";
    return;
  }
  const {status, data} = await api.get("/api/chat").catch(() => ({status: 0, data: {}}));
  if (status !== 200) {
    $("status").textContent = data.error || "This tablet link is not valid.";
    return;
  }
  applyProfile(data.session.profile);
  if (["finished", "stopped"].includes(data.session.status)) {
    $("status").textContent = "This session has finished. Thank you!";
    finish();
    return;
  }
  await api.command("/api/chat/start");
  api.flush();
})();
