// AudioWorklet processor: hands each block of microphone samples (mono Float32, at the
// context's own rate) to the page, which downsamples and encodes them (microphone.js).

class PcmCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channels = inputs[0];
    if (channels && channels.length) {
      const mono = new Float32Array(channels[0].length);
      for (const channel of channels) {
        for (let i = 0; i < mono.length; i += 1) mono[i] += channel[i] / channels.length;
      }
      this.port.postMessage(mono, [mono.buffer]);
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
