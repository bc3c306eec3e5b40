// The microphone: listens for one spoken answer and asks the server which card on the board
// it names. Capture is getUserMedia + an AudioWorklet at the device's rate, downsampled here
// to 16 kHz mono 16-bit PCM WAV (no codec, no browser differences). The recording is only
// sent, never kept; the server only proposes a card, which the pupil confirms with a tap.
//
//   const mic = new Microphone({headers: () => api.headers(), listenSeconds: 6,
//                               onListening, onResult, onError});
//   mic.listen(["cooking", "animals", "dont_know"]);   // card ids on screen

export const TARGET_RATE = 16000;

export class Microphone {
  constructor({headers, listenSeconds = 6, onListening = () => {}, onResult = () => {},
               onError = () => {}, url = "/api/chat/listen",
               workletUrl = new URL("./pcm-worklet.js", import.meta.url).href}) {
    this.headers = headers;
    this.listenSeconds = listenSeconds;
    this.onListening = onListening;
    this.onResult = onResult;
    this.onError = onError;
    this.url = url;
    this.workletUrl = workletUrl;
    this.listening = false;
    this.stopEarly = null;
  }

  static supported() {
    return Boolean(window.isSecureContext && navigator.mediaDevices
                   && navigator.mediaDevices.getUserMedia && window.AudioWorkletNode);
  }

  // Listen for up to listenSeconds (or until stop()), then send. Resolves with the server's
  // reply {proposal, prompt} (also given to onResult), or null after onError.
  async listen(choices) {
    if (this.listening) return null;
    if (!Microphone.supported()) {
      this.onError("The microphone needs a secure (https) connection. Touch the picture instead.");
      return null;
    }
    this.listening = true;
    let stream = null;
    let context = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true},
      });
      context = new AudioContext();
      await context.audioWorklet.addModule(this.workletUrl);
      const source = context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(context, "pcm-capture");
      const blocks = [];
      node.port.onmessage = (event) => blocks.push(event.data);
      source.connect(node);
      this.onListening(true);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, this.listenSeconds * 1000);
        this.stopEarly = () => { clearTimeout(timer); resolve(); };
      });
      source.disconnect();
      node.port.onmessage = null;
      const wav = encodeWav(downsample(concat(blocks), context.sampleRate, TARGET_RATE), TARGET_RATE);
      this.onListening(false);
      const reply = await this.send(wav, choices);
      this.onResult(reply);
      return reply;
    } catch (error) {
      this.onListening(false);
      this.onError(error && error.name === "NotAllowedError"
        ? "The microphone is not allowed. Touch the picture instead."
        : (error && error.message) || "Listening did not work. Touch the picture instead.");
      return null;
    } finally {
      this.listening = false;
      this.stopEarly = null;
      if (stream) stream.getTracks().forEach((track) => track.stop());
      if (context) context.close();
    }
  }

  // Stop listening now and send what was heard so far.
  stop() {
    if (this.stopEarly) this.stopEarly();
  }

  async send(wav, choices) {
    const headers = {...(typeof this.headers === "function" ? this.headers() : this.headers),
                     "Content-Type": "audio/wav"};
    const url = `${this.url}?cards=${encodeURIComponent(choices.join(","))}`;
    const response = await fetch(url, {method: "POST", headers, body: wav});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || "Listening did not work. Touch the picture instead.");
    return body;
  }
}

export function concat(blocks) {
  const length = blocks.reduce((sum, block) => sum + block.length, 0);
  const out = new Float32Array(length);
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

// Average each output sample's window of input samples (a box filter: enough against
// aliasing for speech at 16 kHz, and cheap on a tablet).
export function downsample(samples, fromRate, toRate) {
  if (fromRate === toRate) return samples;
  const ratio = fromRate / toRate;
  const out = new Float32Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i += 1) {
    const start = Math.floor(i * ratio);
    const end = Math.min(samples.length, Math.floor((i + 1) * ratio));
    let sum = 0;
    for (let j = start; j < end; j += 1) sum += samples[j];
    out[i] = sum / Math.max(1, end - start);
  }
  return out;
}

// 16-bit PCM mono WAV: a 44-byte header, then the samples (clipped to -1..1).
export function encodeWav(samples, rate) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (offset, value) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i += 1) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([buffer], {type: "audio/wav"});
}
