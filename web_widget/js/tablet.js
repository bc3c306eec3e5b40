// The pupil's screen: one conversation. The adult's link carries a one-time code in its
// fragment (#code=..., never sent to the server as part of the URL), or the code is typed;
// the page swaps it once for the session's token, kept in this tab only. Shows each bot message as symbolised text, the board of answer
// cards, the always-there repeat, break and stop buttons, and the adult's panel.
// All text is set with textContent, never as HTML.

import {Api} from "./api.js";
import {CardBoard} from "./board.js";
import {Microphone} from "./microphone.js";
import {Scanner} from "./scanner.js";
import {Speaker} from "./speech.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "pupil-voice-token";
const state = {profile: {}, paused: false, modelling: false, finished: false, provenance: "independent",
               promptId: null};
const ENDED = ["finished", "stopped"];
let api = null;
let speaker = null;
let microphone = null;
// A card the recogniser proposed: the pupil confirms it with a tap (input mode speech).
let proposal = null;

const handlers = {
  onMessages: showMessages,
  onProblem: (message, status, data) => {
    if (status === 409 && data && data.stale) {
      // The answer was for an earlier question: the reply shows the one on screen now.
      $("status").textContent = "";
      return;
    }
    $("status").textContent = message;
    if (status === 409 || status === 404) finish();
  },
  onOffline: (queued) => {
    $("status").textContent = queued
      ? "The connection has dropped. Your answer is saved and will be sent when it comes back."
      : "The connection has dropped. Please wait a moment and try again.";
  },
  onOnline: () => { $("status").textContent = ""; },
};
const say = (text) => speaker && speaker.say(text);

function symbolUrl(symbol) {
  return `/symbols/${encodeURIComponent(state.profile.symbol_set || "openmoji")}/${encodeURIComponent(symbol)}`;
}

const board = new CardBoard($("board"), {
  symbolUrl,
  speak: say,
  choose: (concept, inputMode, stance) => chooseCard(concept, inputMode, stance),
  hint: $("hint"),
  selection: "two_tap",
  cardsPerBoard: 6,
});

const scanner = new Scanner({
  mode: "off",
  intervalMs: 2000,
  // The answer cards first, then repeat, break and stop, so a switch user can always stop.
  items: () => [...document.querySelectorAll("#board .card"), ...document.querySelectorAll(".bar [data-scan]")],
  speak: say,
  select: (element) => {
    if (element.classList.contains("card")) {
      chooseCard(element.dataset.concept, "switch", element.dataset.stance);
    }
    else element.click();
  },
});

function showMessages(messages, reply = {}) {
  if (reply.status && ENDED.includes(reply.status)) {
    showConversation(messages);
    finish();
    return;
  }
  if (!messages.length) return;
  showConversation(messages);
}

function showConversation(messages) {
  if (!messages.length) return;
  const conversation = $("conversation");
  conversation.replaceChildren();
  let prompt = null;
  for (const message of messages) {
    conversation.append(symbolisedText(message));
    if (message.picture) conversation.append(photo(message.picture));
    if (message.prompt) prompt = message;
  }
  if (prompt) {
    state.promptId = prompt.prompt_id || null;
    board.show(prompt);
    scanner.restart();
    $("banner").hidden = prompt.board !== "handover";
    $("banner").textContent = prompt.board === "handover"
      ? "Adult: please help. You can choose a card with the pupil, or open the panel to skip." : "";
  } else {
    board.clear();
  }
  if (state.profile.auto_speak !== false && !state.paused) {
    speaker.say(messages.map((m) => m.text).join(" "));
  }
}

function photo(picture) {
  const image = document.createElement("img");
  image.className = "place-photo";
  image.alt = picture.alt;
  // An <img> cannot send the token header: fetch the photo and show it from memory.
  fetch(picture.url, {headers: api.headers()})
    .then((response) => (response.ok ? response.blob() : Promise.reject()))
    .then((blob) => { image.src = URL.createObjectURL(blob); })
    .catch(() => image.remove());
  return image;
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

// Every answer names the prompt it answers, so a late one is never taken for the next.
function answerBody(fields) {
  const body = {...fields, provenance: state.provenance};
  if (state.promptId) body.prompt_id = state.promptId;
  return body;
}

function chooseCard(concept, inputMode, stance) {
  if (!api || state.finished || state.paused) return;
  if (state.modelling) {
    $("hint").textContent = "Modelling: nothing is recorded.";
    return;
  }
  const body = answerBody({card: concept, input_mode: inputMode});
  if (stance) body.stance = stance;
  if (proposal && proposal.card === concept) {
    body.input_mode = "speech";
    body.speech_confidence = proposal.confidence;
  }
  proposal = null;
  board.clear();
  scanner.stopTimer();
  api.answer(body);
}

// ----- spoken answers: recognition only proposes a card; a tap confirms it.
function showProposal({proposal: heard, prompt}) {
  proposal = heard;
  document.querySelectorAll("#board .card").forEach((card) => {
    card.setAttribute("aria-pressed", String(!!heard && card.dataset.concept === heard.card));
  });
  $("hint").textContent = heard ? `${prompt} Touch it to say yes.` : prompt;
  say(prompt);
}

function setUpMicrophone(profile) {
  const wanted = profile.show_mic && (profile.input_modes || []).includes("speech") && Microphone.supported();
  $("mic").hidden = !wanted;
  if (!wanted) return;
  microphone = new Microphone({
    headers: () => api.headers(),
    listenSeconds: profile.listen_seconds || 6,
    onListening: (on) => {
      $("mic").setAttribute("aria-pressed", String(on));
      $("listening").textContent = on ? "Listening…" : "";
    },
    onResult: showProposal,
    onError: (message) => { $("hint").textContent = message; },
  });
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
  if (paused) { if (speaker) speaker.stop(); $("resume").focus(); }
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
  setUpMicrophone(profile);
  document.querySelectorAll("img[data-symbol]").forEach((img) => { img.src = symbolUrl(img.dataset.symbol); });
}

// ----- controls
$("mic").addEventListener("click", () => {
  if (!microphone || state.finished || state.paused) return;
  if (microphone.listening) { microphone.stop(); return; }
  microphone.listen([...document.querySelectorAll("#board .card")].map((card) => card.dataset.concept));
});
$("repeat").addEventListener("click", () => { if (api && !state.paused) api.command("/api/chat/repeat"); });
$("stop").addEventListener("click", () => { if (api) api.command("/api/chat/stop"); });
$("break").addEventListener("click", () => setPaused(true));
$("resume").addEventListener("click", () => setPaused(false));
$("typed").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("answer").value.trim();
  if (!api || !text || state.finished || state.paused) return;
  $("answer").value = "";
  if (state.modelling) { $("hint").textContent = "Modelling: nothing is recorded."; return; }
  board.clear();
  api.answer(answerBody({text, input_mode: "typed"}));
});

// ----- the adult's panel: two deliberate steps to open, so a stray tap cannot.
$("adult-open").addEventListener("click", () => { $("adult-confirm").hidden = false; $("adult-cancel").focus(); });
$("adult-cancel").addEventListener("click", () => { $("adult-confirm").hidden = true; $("adult-open").focus(); });
$("adult-yes").addEventListener("click", () => openPanel(true));
$("adult-close").addEventListener("click", () => openPanel(false));
$("pause").addEventListener("click", () => setPaused(!state.paused));
$("skip").addEventListener("click", () => { openPanel(false); if (api) api.command("/api/chat/skip"); });
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
  if (!text || !api) return;
  const {status, data} = await api.post("/api/chat/observation", {text});
  $("observation-status").textContent = status === 201 ? "Saved as your observation." : (data.error || "Not saved.");
  if (status === 201) $("observation-text").value = "";
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !$("adult-panel").hidden) openPanel(false);
});

// ----- start: swap the one-time code for the token, then begin (or carry on).
async function claim(code) {
  const response = await fetch("/api/chat/claim", {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({code})});
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || "That code does not work.");
  sessionStorage.setItem(TOKEN_KEY, data.tablet_token);
  return data.tablet_token;
}

async function begin(token) {
  api = new Api(token, handlers);
  speaker = new Speaker(api);
  const {status, data} = await api.get("/api/chat").catch(() => ({status: 0, data: {}}));
  if (status !== 200) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("status").textContent = data.error || "This tablet link is not valid.";
    $("code-form").hidden = false;
    return;
  }
  $("code-form").hidden = true;
  applyProfile(data.session.profile);
  if (ENDED.includes(data.session.status)) {
    $("status").textContent = "This session has finished. Thank you!";
    finish();
    return;
  }
  await api.command("/api/chat/start");
  api.flush();
}

$("code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await begin(await claim($("code").value));
  } catch (error) {
    $("status").textContent = error.message;
  }
});

(async () => {
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  history.replaceState(null, "", location.pathname);  // the code is used once: drop it from the address
  try {
    const token = code ? await claim(code) : sessionStorage.getItem(TOKEN_KEY);
    if (token) { await begin(token); return; }
  } catch (error) {
    $("status").textContent = error.message;
  }
  $("code-form").hidden = false;
  $("code").focus();
})();
