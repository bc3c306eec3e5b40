// "My voice" enrolment: the adult picks a card (or goes on to the next), the pupil holds
// the big button and says it; each recording is sent at once and checked by the server
// (speech found, a word's length, not clipped, like the card's other recordings). A
// recording that fails is said again; PER_CARD good ones per card, then the next card.
// Nothing is kept in the browser: the server keeps features, never the audio.

import {Microphone} from "./microphone.js";

const MAX_SECONDS = 4;

class ClipRecorder extends Microphone {
  constructor({url, csrf, ...options}) {
    super({...options, listenSeconds: MAX_SECONDS, headers: () => ({"X-CSRFToken": csrf})});
    this.clipUrl = url;
  }

  // One recording of one card to the enrolment route; the reply, or {error} on a 4xx.
  async send(wav, choices) {
    const url = this.clipUrl.replace("CARD", encodeURIComponent(choices[0]));
    const response = await fetch(url, {method: "POST", body: wav, credentials: "same-origin",
                                       headers: {...this.headers(), "Content-Type": "audio/wav"}});
    const body = await response.json().catch(() => ({}));
    if (response.status >= 500 || (!response.ok && !body.error)) {
      throw new Error(body.error || "That did not work. Please try again.");
    }
    return response.ok ? body : {error: body.error};
  }
}

export class VoiceEnrolment {
  constructor(root = document) {
    this.root = root;
    this.section = root.getElementById("recorder");
    this.needed = Number(this.section.dataset.needed);
    this.cards = [...root.querySelectorAll(".voice-card")];
    this.hold = root.getElementById("hold");
    this.status = root.getElementById("voice-status");
    this.index = Math.max(0, this.cards.findIndex((c) => Number(c.dataset.enrolment) < this.needed));
    this.recorder = new ClipRecorder({
      url: this.section.dataset.url, csrf: this.section.dataset.csrf,
      onListening: (on) => this.listening(on),
      onResult: (reply) => this.result(reply),
      onError: (message) => this.say(message, true),
    });
  }

  start() {
    this.cards.forEach((card, index) => card.addEventListener("click", () => this.show(index)));
    this.root.getElementById("next").addEventListener("click", () => this.show(this.index + 1));
    this.root.getElementById("previous").addEventListener("click", () => this.show(this.index - 1));
    const begin = (event) => { event.preventDefault(); this.record(); };
    const end = () => this.recorder.stop();
    this.hold.addEventListener("pointerdown", begin);
    this.hold.addEventListener("pointerup", end);
    this.hold.addEventListener("pointerleave", end);
    this.hold.addEventListener("pointercancel", end);
    this.hold.addEventListener("contextmenu", (event) => event.preventDefault());
    this.hold.addEventListener("keydown", (event) => {
      if ((event.key === " " || event.key === "Enter") && !event.repeat) begin(event);
    });
    this.hold.addEventListener("keyup", (event) => {
      if (event.key === " " || event.key === "Enter") end();
    });
    this.show(this.index);
  }

  get card() { return this.cards[this.index]; }

  show(index) {
    if (!this.cards.length) return;
    this.index = (index + this.cards.length) % this.cards.length;
    this.cards.forEach((card, i) => card.setAttribute("aria-current", String(i === this.index)));
    const card = this.card;
    const picture = this.root.getElementById("now-picture");
    picture.src = card.dataset.picture || "";
    this.root.getElementById("now-label").textContent = card.dataset.label;
    this.count(Number(card.dataset.enrolment));
  }

  count(done) {
    const left = Math.max(0, this.needed - done);
    this.root.getElementById("now-count").textContent = left
      ? `Recording ${done + 1} of ${this.needed}`
      : `${done} recordings: this card is done (more are welcome)`;
  }

  record() {
    if (this.recorder.listening) return;
    this.recorder.listen([this.card.dataset.card]);
  }

  listening(on) {
    this.hold.setAttribute("aria-pressed", String(on));
    this.hold.textContent = on ? "Recording… let go when done" : "Hold to record";
    if (on) this.say("Listening…");
  }

  say(message, problem = false) {
    this.status.textContent = message;
    this.status.classList.toggle("problem", problem);
  }

  result(reply) {
    if (!reply) return;
    if (reply.error) {
      this.say(`${reply.error}`, true);
      return;
    }
    const card = this.cards.find((c) => c.dataset.card === reply.card);
    if (!card) return;
    card.dataset.enrolment = String(reply.enrolment);
    card.querySelector(".card-count").textContent =
      `${reply.total} recording${reply.total === 1 ? "" : "s"}`;
    card.classList.toggle("done", reply.enrolment >= reply.needed);
    if (reply.enrolment >= reply.needed && card === this.card) {
      const next = this.cards.findIndex((c) => Number(c.dataset.enrolment) < this.needed);
      this.say(`Good: ${card.dataset.label} is done.` + (next >= 0 ? " Now the next card." : " Every card is done."));
      if (next >= 0) this.show(next); else this.count(reply.enrolment);
    } else {
      this.say(`Good. ${reply.enrolment} of ${reply.needed} for ${card.dataset.label}.`);
      this.count(reply.enrolment);
    }
  }
}

if (document.getElementById("recorder")) new VoiceEnrolment(document).start();
