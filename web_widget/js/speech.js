// Speech out: the server synthesises each text in the pupil's voice and rate; the audio
// is kept per text, so a repeated prompt plays at once.

export class Speaker {
  constructor(api) {
    this.api = api;
    this.cache = new Map();
    this.audio = new Audio();
    this.enabled = true;
  }

  async load(text) {
    if (this.cache.has(text)) return this.cache.get(text);
    const promise = fetch("/api/chat/speech", {
      method: "POST", headers: this.api.headers(), body: JSON.stringify({text}),
    }).then((response) => {
      if (!response.ok) throw new Error("no speech");
      return response.blob();
    }).then((blob) => URL.createObjectURL(blob));
    this.cache.set(text, promise);
    promise.catch(() => this.cache.delete(text));
    return promise;
  }

  // Speak a text; resolves when it has been spoken (or could not be).
  async say(text) {
    if (!this.enabled || !text) return;
    try {
      const url = await this.load(text);
      this.audio.pause();
      this.audio.src = url;
      const ended = new Promise((resolve) => {
        this.audio.onended = resolve;
        this.audio.onpause = resolve;
      });
      await this.audio.play();
      await ended;
    } catch (error) {
      // Speech is a support, not a gate: the words and symbols are on screen.
    }
  }

  stop() {
    this.audio.pause();
  }
}
