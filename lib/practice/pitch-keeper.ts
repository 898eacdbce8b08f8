// Tempo with pitch kept (browser only). The engine already plays stems at playbackRate = tempo,
// which keeps every start and loop wrap sample-accurate on the context clock; SoundTouch
// (@soundtouchjs/audio-worklet, an AudioWorklet port of the SoundTouch library) then corrects the
// pitch back to the original. The worklet buffers audio, so its delay is measured once per rate
// (an offline render of a tone burst) and the engine shifts the clock and clicks by it.
import { processOffline, SoundTouchNode } from "@soundtouchjs/audio-worklet";

/** Served by app/play/soundtouch-processor.js/route.ts. */
export const SOUNDTOUCH_PROCESSOR_URL = "/play/soundtouch-processor.js";

export interface PitchKeeper {
  /** A fresh node for one run (an old one would replay what it still buffers). */
  create(rate: number): AudioNode;
  /** Seconds the node delays audio at `rate`. */
  latencyS(rate: number): Promise<number>;
}

export async function createPitchKeeper(
  ctx: BaseAudioContext,
  url = SOUNDTOUCH_PROCESSOR_URL,
): Promise<PitchKeeper> {
  await SoundTouchNode.register(ctx, url);
  const latency = new Map<number, Promise<number>>();
  return {
    create(rate) {
      const node = new SoundTouchNode({ context: ctx });
      node.playbackRate.value = rate;
      node.pitch.value = 1;
      return node;
    },
    latencyS(rate) {
      const key = Math.round(rate * 1000);
      let p = latency.get(key);
      if (!p) {
        p = measureLatency(ctx.sampleRate, rate, url);
        latency.set(key, p);
      }
      return p;
    },
  };
}

/** Renders a tone burst at 0.25 s through the stretcher offline; the onset's delay is the latency. */
async function measureLatency(sampleRate: number, rate: number, url: string): Promise<number> {
  const at = 0.25;
  const input = new AudioBuffer({ numberOfChannels: 1, length: Math.round(sampleRate * 1.2), sampleRate });
  const d = input.getChannelData(0);
  const start = Math.round(at * sampleRate);
  for (let i = 0; i < Math.round(0.03 * sampleRate); i++)
    d[start + i] = 0.8 * Math.sin((2 * Math.PI * 880 * i) / sampleRate);
  const out = await processOffline({ input, processorUrl: url, playbackRate: rate });
  const o = out.getChannelData(0);
  let peak = 0;
  for (const v of o) peak = Math.max(peak, Math.abs(v));
  if (peak === 0) return 0;
  const onset = o.findIndex((v) => Math.abs(v) > peak * 0.3);
  return Math.max(0, onset / sampleRate - at / rate);
}
