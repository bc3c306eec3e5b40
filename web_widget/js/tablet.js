// The pupil's screen: one conversation, one question a screen. The adult's link carries a
// one-time code in its fragment (#code=..., never sent as part of the URL), or the code is
// typed; the page swaps it once for the session's token, kept in this tab only. It shows the
// current question as symbolised text with its board of cards (what was said before folds
// to one short line), the always-there repeat, break and stop buttons, and the adult's
// panel. Dialogs are native modal <dialog aria-modal="true">s (dialog.js): nothing behind
// them can be reached, Tab stays in them, Escape chooses the safe option and focus goes back
// to whoever opened them. All text is set with textContent, never as HTML.
//
// The page is one widget started from its root element (<main id="tablet">, which holds the
// dialogs too); it reads and writes nothing outside that root but the browser's storage
// and address. aria-pressed is the state of its three toggles (pause, modelling, mic): "this
// mode is on now", written only by setPressed and read back by pressed().

import {Api} from "./api.js";
import {CardBoard} from "./board.js";
import {ModalDialog, focusable} from "./dialog.js";
import {Microphone} from "./microphone.js";
import {Scanner} from "./scanner.js";
import {Speaker} from "./speech.js";

const TOKEN_KEY = "pupil-voice-token";
const SAID_SECONDS = 5;

export class TabletPage {
  constructor(root) {
    this.root = root;
    this.doc = root.ownerDocument;
    this.$ = (id) => root.querySelector(`#${id}`);
    // The session statuses that mean it has ended, as the server names them (data-ended).
    this.ended = root.dataset.ended.split(" ");
    this.state = {profile: {}, finished: false,
                  provenance: root.dataset.provenance, promptId: null, shownAt: 0, spokenAt: 0,
                  photo: null, photoShown: false, typedLast: false};
    this.api = null;
    this.speaker = null;
    this.microphone = null;
    this.proposal = null;  // a card the recogniser proposed: the pupil confirms it with a tap
    this.helpTimer = null;  // offers the adult help after the profile's wait
    this.foldTimer = null;  // folds what was said before the question away
    this.board = new CardBoard(this.$("board"), {
      symbolUrl: (symbol) => this.symbolUrl(symbol),
      speak: (text) => this.say(text),
      choose: (button, inputMode) => this.chooseCard(button, inputMode),
      hint: this.$("hint"), selection: "two_tap", cardsPerBoard: 6,
    });
    // The answer cards first, then repeat, break and stop, so a switch user can always stop.
    const bar = this.root.querySelector(".bar");
    const board = this.$("board");
    this.scanner = this.makeScanner(board, () => [
      ...board.querySelectorAll(".card"), ...bar.querySelectorAll("[data-scan]")], [bar]);
    this.stopScanner = this.makeScanner(this.$("stop-confirm"));
    this.breakScanner = this.makeScanner(this.$("paused"));
    const returnFocus = (opener) => this.returnFocus(opener);
    this.dialogs = {
      confirm: new ModalDialog(this.$("adult-confirm"), {returnFocus}),
      panel: new ModalDialog(this.$("adult-panel"), {returnFocus}),
      stop: new ModalDialog(this.$("stop-confirm"), {returnFocus, onEscape: () => this.answerStop(false)}),
      paused: new ModalDialog(this.$("paused"), {returnFocus, onEscape: () => this.setPaused(false)}),
    };
    this.wire();
  }

  // A scanner over its board's [data-scan] buttons, unless given its items.
  makeScanner(board, items = () => [...board.querySelectorAll("[data-scan]")], also = []) {
    return new Scanner(board, {
      mode: "off", intervalMs: 2000, items, also, speak: (text) => this.say(text),
      select: (element) => {
        if (element.classList.contains("card")) this.chooseCard(element, "switch");
        else element.click();
      },
    });
  }

  // The only writer of aria-pressed: on means the toggle's mode is on now.
  setPressed(id, on) {
    this.$(id).setAttribute("aria-pressed", String(on));
  }

  pressed(id) {
    return this.$(id).getAttribute("aria-pressed") === "true";
  }

  get paused() {
    return this.pressed("pause");
  }

  // Focus goes back to a closed dialog's opener; to the board instead when the switch could
  // not be heard there (a switch user's key would press that button, not choose).
  returnFocus(opener) {
    if (focusable(opener) && (!this.scanner.active || this.scanner.hears(opener))) opener.focus();
    else if (this.board.cards.length) this.board.focus(0);
    else this.root.focus();
  }

  symbolUrl(symbol) {
    const base = this.state.profile.symbol_base || "/symbols/openmoji";  // the school's sets, from the server
    return `${base}/${encodeURIComponent(symbol)}`;
  }

  say(text) {
    return this.speaker ? this.speaker.say(text) : Promise.resolve();
  }

  // A problem in the accent colour; a wait the tablet gets over by itself in a calm one.
  showStatus(text, calm = false) {
    this.$("status").textContent = text;
    this.$("status").classList.toggle("calm", calm);
  }

  handlers() {
    return {
      onMessages: (messages, reply) => this.showMessages(messages, reply),
      onProblem: (message, status, data) => {
        if (status === 409 && data && data.stale) {
          this.showStatus("");  // an answer to an earlier question: the reply shows this one
          return;
        }
        this.showStatus(message);
        if (status === 409 || status === 404) this.finish();
      },
      onOffline: (queued) => this.showStatus(queued
        ? "The connection has dropped. Your answer is saved and will be sent when it comes back."
        : "The connection has dropped. Please wait a moment and try again.", true),
      onOnline: () => this.showStatus(""),
      onWaiting: (data, answer) => this.showStatus(answer
        ? "Just a moment, please. Your answer is safe and will be sent again."
        : "Just a moment, please. The assistant will carry on soon.", true),
    };
  }

  // ----- what the assistant says

  showMessages(messages, reply = {}) {
    if (reply.status && this.ended.includes(reply.status)) {
      this.showEnd(messages, reply.status);
      return;
    }
    if (!messages.length) return;
    const prompt = [...messages].reverse().find((m) => m.prompt) || null;
    const said = this.$("said");
    said.classList.remove("spoken");
    said.replaceChildren(...messages.filter((m) => m !== prompt).map((m) => this.symbolised(m, "bot said-line")));
    for (const message of messages) {
      if (message.picture && !this.state.photoShown) this.state.photo = message.picture;
    }
    if (!prompt) {
      this.board.clear();
      return;
    }
    const question = this.$("question");
    const line = this.symbolised(prompt, "bot prompt");
    question.replaceChildren(line);
    if (this.state.photo && !this.state.photoShown) {
      question.append(this.photo(this.state.photo));  // once, beside the first question
      this.state.photoShown = true;
    }
    this.state.promptId = prompt.prompt_id || null;
    this.root.dataset.board = prompt.board;
    this.board.show(prompt);
    this.scanner.restart();
    const handover = prompt.board === "handover";
    this.$("banner").hidden = !handover;
    this.$("banner").textContent = handover
      ? "Adult: please help. You can choose a card with the pupil, or open the panel to skip." : "";
    this.startAnswerClock(messages);
    if (this.state.typedLast) this.$("answer").focus(); else this.board.focus(0);
  }

  // The time to answer runs from the prompt shown and spoken; after the profile's wait the
  // adult (never the pupil) is offered help. Nothing re-prompts the pupil.
  startAnswerClock(messages) {
    this.state.shownAt = performance.now();
    this.state.spokenAt = 0;
    clearTimeout(this.helpTimer);
    const wait = (this.state.profile.help_after_seconds || 30) * 1000;
    this.helpTimer = setTimeout(() => {
      if (this.state.finished || this.paused) return;
      this.$("banner").hidden = false;
      this.$("banner").textContent = "Adult: the pupil may need help. Wait a little longer, or help them choose.";
    }, wait);
    // What was said before the question folds away once spoken (or read: a few seconds).
    const said = this.$("said");
    const fold = () => said.classList.add("spoken");
    clearTimeout(this.foldTimer);
    if (this.state.profile.auto_speak !== false && !this.paused) {
      this.say(messages.map((m) => m.text).join(" ")).then(() => { this.state.spokenAt = performance.now(); fold(); });
    } else {
      this.foldTimer = setTimeout(fold, SAID_SECONDS * 1000);
    }
  }

  symbolised(message, className) {
    const line = this.doc.createElement("p");
    line.className = className;
    const words = message.symbols && message.symbols.length ? message.symbols : [{text: message.text}];
    for (const word of words) {
      const span = this.doc.createElement("span");
      span.className = "word";
      if (word.symbol) {
        const image = this.doc.createElement("img");
        image.src = this.symbolUrl(word.symbol);
        image.alt = "";
        image.setAttribute("aria-hidden", "true");
        span.append(image);
      } else {
        span.classList.add("no-symbol");
      }
      const text = this.doc.createElement("span");
      text.textContent = word.text;
      span.append(text);
      line.append(span, " ");
    }
    return line;
  }

  photo(picture) {
    const image = this.doc.createElement("img");
    image.className = "place-photo";
    image.alt = picture.alt;
    // An <img> cannot send the token header: fetch the photo and show it from memory.
    fetch(picture.url, {headers: this.api.headers()})
      .then((response) => (response.ok ? response.blob() : Promise.reject()))
      .then((blob) => { image.src = URL.createObjectURL(blob); })
      .catch(() => image.remove());
    return image;
  }

  // The end: friendly, with a picture and a sound (not for a stop the pupil asked for).
  showEnd(messages, status) {
    const said = messages.map((m) => m.text).join(" ");
    const end = this.doc.createElement("div");
    end.className = "end";
    const image = this.doc.createElement("img");
    image.src = this.symbolUrl(status === "finished" ? "thank_you" : "stop");
    image.alt = "";
    image.setAttribute("aria-hidden", "true");
    const words = this.doc.createElement("p");
    words.className = "bot prompt";
    words.textContent = said;
    end.append(image, words);
    this.$("said").replaceChildren();
    this.$("question").replaceChildren(end);
    this.finish();
    if (status === "finished" && this.state.profile.auto_speak !== false) chime();
    if (this.state.profile.auto_speak !== false) this.say(said);
  }

  // ----- answers

  // Every answer names the prompt it answers, so a late one is never taken for the next,
  // with how it was given: the time from the prompt and the card's place on the board.
  answerBody(fields, position = null) {
    const body = {...fields, provenance: this.state.provenance};
    if (this.state.promptId) body.prompt_id = this.state.promptId;
    const from = Math.max(this.state.shownAt, this.state.spokenAt);
    if (from) body.response_ms = Math.max(0, Math.round(performance.now() - from));
    if (position !== null) body.card_position = position;
    return body;
  }

  chooseCard(button, inputMode) {
    if (!this.api || this.state.finished || this.paused) return;
    if (this.pressed("modelling")) {
      this.$("hint").textContent = "Modelling: nothing is recorded.";
      return;
    }
    const body = this.answerBody({card: button.dataset.concept, input_mode: inputMode},
                                 Number(button.dataset.position));
    if (button.dataset.stance) body.stance = button.dataset.stance;
    if (this.proposal && this.proposal.card === button.dataset.concept) {
      body.input_mode = "speech";
      body.speech_confidence = this.proposal.confidence;
    }
    this.proposal = null;
    this.state.typedLast = false;
    this.sent();
    this.api.answer(body);
  }

  sent() {
    clearTimeout(this.helpTimer);
    this.$("banner").hidden = true;
    this.board.clear();
    this.scanner.stopTimer();
  }

  typed(event) {
    event.preventDefault();
    const text = this.$("answer").value.trim();
    if (!this.api || !text || this.state.finished || this.paused) return;
    this.$("answer").value = "";
    if (this.pressed("modelling")) { this.$("hint").textContent = "Modelling: nothing is recorded."; return; }
    this.state.typedLast = true;
    this.sent();
    this.api.answer(this.answerBody({text, input_mode: "typed"}));
  }

  // Spoken answers: recognition only proposes a card; a tap confirms it.
  showProposal({proposal: heard, prompt}) {
    this.proposal = heard;
    this.board.select(heard ? this.board.card(heard.card) : null);
    this.$("hint").textContent = heard ? `${prompt} Touch it to say yes.` : prompt;
    this.say(prompt);
  }

  setUpMicrophone(profile) {
    const wanted = profile.show_mic && (profile.input_modes || []).includes("speech") && Microphone.supported();
    this.$("mic").hidden = !wanted;
    if (!wanted) return;
    this.microphone = new Microphone({
      headers: () => this.api.headers(),
      listenSeconds: profile.listen_seconds || 6,
      onListening: (on) => {
        this.setPressed("mic", on);
        this.$("listening").textContent = on ? "Listening…" : "";
      },
      onResult: (result) => this.showProposal(result),
      onError: (message) => { this.$("hint").textContent = message; },
    });
  }

  // ----- the session's end, pauses and dialogs

  finish() {
    this.state.finished = true;
    clearTimeout(this.helpTimer);
    clearTimeout(this.foldTimer);
    this.board.clear();
    this.scanner.stop();
    for (const id of ["repeat", "break", "stop"]) this.$(id).disabled = true;
    this.$("typed").hidden = true;
    this.$("mic").hidden = true;
    if (this.api) this.api.close();
  }

  // The break: from the bar (the pupil) or the adult's panel, which it replaces; its opener
  // is then the panel's, so focus goes back there when the pupil carries on.
  setPaused(paused) {
    if (paused === this.paused) return;
    this.setPressed("pause", paused);
    this.scanner.pause(paused);
    if (paused) {
      if (this.speaker) this.speaker.stop();
      clearTimeout(this.helpTimer);
      const opener = this.dialogs.panel.isOpen ? this.dialogs.panel.opener : undefined;
      this.dialogs.panel.close({returnFocus: false});
      this.dialogs.paused.open(opener);
      this.breakScanner.restart();
    } else {
      this.breakScanner.stop();
      this.dialogs.paused.close();
    }
  }

  askToStop() {
    if (!this.api || this.state.finished) return;
    this.scanner.pause(true);
    this.dialogs.stop.open();
    this.stopScanner.restart();
  }

  // Yes stops; No (or Escape: the safe choice) goes back to the question.
  answerStop(stop) {
    this.stopScanner.stop();
    this.dialogs.stop.close();
    this.scanner.pause(false);
    if (stop) this.api.command("/api/chat/stop");
  }

  // The two deliberate steps to the adult's panel: its opener is the Adult button's.
  openAdultPanel() {
    const opener = this.dialogs.confirm.opener;
    this.dialogs.confirm.close({returnFocus: false});
    this.dialogs.panel.open(opener);
  }

  applyProfile(profile) {
    this.state.profile = profile;
    const classes = this.root.classList;
    classes.remove("text-large", "text-x-large", "text-xx-large");
    classes.add(`text-${profile.text_size || "large"}`);
    classes.toggle("high-contrast", !!profile.high_contrast);
    classes.toggle("reduced-motion", !!profile.reduced_motion);
    this.board.selection = profile.selection || "two_tap";
    this.board.cardsPerBoard = profile.cards_per_board || 6;
    for (const scanner of [this.scanner, this.stopScanner, this.breakScanner]) {
      scanner.mode = profile.scanning || "off";
      scanner.intervalMs = Math.max(500, profile.scan_interval_ms || 2000);
    }
    this.$("typed").hidden = !(profile.input_modes || []).includes("typed");
    this.setUpMicrophone(profile);
    this.root.querySelectorAll("img[data-symbol]").forEach((img) => { img.src = this.symbolUrl(img.dataset.symbol); });
    if (profile.symbol_credits) this.root.querySelector("a.credits").href = profile.symbol_credits;
  }

  wire() {
    const on = (id, event, handler) => this.$(id).addEventListener(event, handler);
    on("mic", "click", () => {
      if (!this.microphone || this.state.finished || this.paused) return;
      if (this.microphone.listening) { this.microphone.stop(); return; }
      this.microphone.listen(this.board.cards.map((card) => card.dataset.concept));
    });
    on("repeat", "click", () => { if (this.api && !this.paused) this.api.command("/api/chat/repeat"); });
    on("stop", "click", () => this.askToStop());
    on("stop-yes", "click", () => this.answerStop(true));
    on("stop-no", "click", () => this.answerStop(false));
    on("break", "click", () => this.setPaused(true));
    on("resume", "click", () => this.setPaused(false));
    on("typed", "submit", (event) => this.typed(event));
    // The adult's panel: two deliberate steps to open, so a stray tap cannot.
    on("adult-open", "click", () => this.dialogs.confirm.open());
    on("adult-cancel", "click", () => this.dialogs.confirm.close());
    on("adult-yes", "click", () => this.openAdultPanel());
    on("adult-close", "click", () => this.dialogs.panel.close());
    on("pause", "click", () => this.setPaused(!this.paused));
    on("skip", "click", () => {
      this.dialogs.panel.close();
      if (this.api) this.api.command("/api/chat/skip");
    });
    on("modelling", "click", () => {
      const modelling = !this.pressed("modelling");
      this.setPressed("modelling", modelling);
      this.$("banner").hidden = !modelling;
      this.$("banner").textContent = modelling ? "Modelling: nothing is recorded." : "";
    });
    this.root.querySelectorAll("input[name=provenance]").forEach((radio) => {
      radio.addEventListener("change", () => { this.state.provenance = radio.value; });
    });
    on("observation", "submit", async (event) => {
      event.preventDefault();
      const text = this.$("observation-text").value.trim();
      if (!text || !this.api) return;
      const {status, data} = await this.api.post("/api/chat/observation", {text});
      this.$("observation-status").textContent = status === 201
        ? (data.concern ? "Kept as a safeguarding concern for the safeguarding lead." : "Saved as your observation.")
        : (data.error || "Not saved.");
      if (status === 201) this.$("observation-text").value = "";
    });
    on("code-form", "submit", async (event) => {
      event.preventDefault();
      try {
        await this.begin(await this.claim(this.$("code").value));
      } catch (error) {
        this.showStatus(error.message);
      }
    });
  }

  // ----- start: swap the one-time code for the token, then begin (or carry on).
  async claim(code) {
    const response = await fetch("/api/chat/claim", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({code})});
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || "That code does not work.");
    sessionStorage.setItem(TOKEN_KEY, data.tablet_token);
    return data.tablet_token;
  }

  async begin(token) {
    if (this.api) this.api.close();  // a code typed after a link that did not work
    this.api = new Api(token, this.handlers());
    this.speaker = new Speaker(this.api);
    const {status, data} = await this.api.get("/api/chat").catch(() => ({status: 0, data: {}}));
    if (status !== 200) {
      this.api.close();
      this.api = null;
      sessionStorage.removeItem(TOKEN_KEY);
      this.showStatus(data.error || "This tablet link is not valid.");
      this.$("code-form").hidden = false;
      return;
    }
    this.$("code-form").hidden = true;
    this.applyProfile(data.session.profile);
    if (this.ended.includes(data.session.status)) {
      this.showStatus("This session has finished. Thank you!");
      this.finish();
      return;
    }
    await this.api.start();
    this.api.flush();
  }

  async start() {
    const code = new URLSearchParams(location.hash.slice(1)).get("code");
    history.replaceState(null, "", location.pathname);  // the code is used once: drop it from the address
    try {
      const token = code ? await this.claim(code) : sessionStorage.getItem(TOKEN_KEY);
      if (token) { await this.begin(token); return; }
    } catch (error) {
      this.showStatus(error.message);
    }
    this.$("code-form").hidden = false;
    this.$("code").focus();
  }
}

// A short, soft chime for the end of a conversation, made in the browser (no file).
function chime() {
  try {
    const context = new AudioContext();
    [523.25, 659.25, 783.99].forEach((frequency, i) => {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = frequency;
      const at = context.currentTime + i * 0.18;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.2, at + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
      tone.connect(volume).connect(context.destination);
      tone.start(at);
      tone.stop(at + 0.65);
    });
  } catch (error) {
    // Sound is a support: the picture and the words are on screen.
  }
}

const root = document.getElementById("tablet");
if (root) new TabletPage(root).start();
