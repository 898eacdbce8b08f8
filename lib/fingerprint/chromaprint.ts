// The Chromaprint algorithm with fpcalc's defaults, on top of the WebAssembly build of the reference
// C library. Runs wherever WebAssembly runs (Node, Web Worker); never imports Node modules.
import type { ChromaprintExports } from "./chromaprint-wasm.ts";
import { FingerprintError } from "./errors.ts";

/** CHROMAPRINT_ALGORITHM_TEST2, the default of fpcalc and the algorithm AcoustID indexes. */
export const CHROMAPRINT_ALGORITHM_DEFAULT = 1;
/** The rate Chromaprint works at; other rates are resampled inside the engine. */
export const FINGERPRINT_SAMPLE_RATE = 11025;
/** fpcalc's default `-length`: only the first 120 s are fingerprinted. */
export const DEFAULT_MAX_DURATION_SECONDS = 120;
/**
 * Below this much decoded audio we refuse to fingerprint: Chromaprint still emits a few items, but
 * too few to identify a song, and the intake page offers manual entry instead.
 */
export const MIN_AUDIO_SECONDS = 5;
/** Peak |sample| at or below this (about -60 dBFS) counts as silence. */
export const SILENCE_PEAK = 32;

export interface Fingerprint {
  /** Raw 32-bit items, as `fpcalc -raw` prints them (unsigned). */
  raw: Uint32Array;
  /** fpcalc's compressed, URL-safe base64 form (what AcoustID's API accepts). */
  compressed: string;
  algorithm: number;
  /** Seconds of audio that went into the fingerprint (at most the duration limit). */
  fingerprintedSeconds: number;
}

export interface SessionOptions {
  sampleRate: number;
  /** Interleaved channel count of the Int16 samples fed in; the engine downmixes to mono. */
  channels: number;
  maxDurationSeconds?: number;
}

/**
 * One fingerprinting pass: feed interleaved 16-bit PCM in any chunk sizes, then finish. Mirrors
 * fpcalc's loop: the input is cut at exactly `maxDurationSeconds × sampleRate` frames.
 */
export class ChromaprintSession {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly frameLimit: number;
  private framesFed = 0;
  private peak = 0;
  private ctx: number;
  private buffer = 0;
  private bufferBytes = 0;

  constructor(
    private readonly engine: ChromaprintExports,
    options: SessionOptions,
  ) {
    const { sampleRate, channels } = options;
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768_000) {
      throw new FingerprintError("decode-failed", `Unsupported sample rate ${sampleRate} Hz.`);
    }
    if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
      throw new FingerprintError("decode-failed", `Unsupported channel count ${channels}.`);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.frameLimit = Math.floor((options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS) * sampleRate);
    this.ctx = engine.chromaprint_new(CHROMAPRINT_ALGORITHM_DEFAULT);
    if (!this.ctx) throw new FingerprintError("engine", "Could not create a Chromaprint context.");
    if (!engine.chromaprint_start(this.ctx, sampleRate, channels)) {
      this.dispose();
      throw new FingerprintError("engine", "Could not start the Chromaprint context.");
    }
  }

  /** True once the duration limit is reached; further input is ignored. */
  get full(): boolean {
    return this.framesFed >= this.frameLimit;
  }

  get secondsFed(): number {
    return this.framesFed / this.sampleRate;
  }

  /** Feeds interleaved samples; returns false when the limit is reached and feeding can stop. */
  feed(samples: Int16Array): boolean {
    this.assertLive();
    const frames = Math.min(Math.floor(samples.length / this.channels), this.frameLimit - this.framesFed);
    if (frames <= 0) return !this.full;
    const count = frames * this.channels;
    const chunk = count === samples.length ? samples : samples.subarray(0, count);
    for (let i = 0; i < count; i++) {
      const v = chunk[i]!;
      const a = v < 0 ? -v : v;
      if (a > this.peak) this.peak = a;
    }
    const ptr = this.reserve(count * 2);
    new Int16Array(this.engine.memory.buffer, ptr, count).set(chunk);
    if (!this.engine.chromaprint_feed(this.ctx, ptr, count)) {
      throw new FingerprintError("engine", "Chromaprint rejected the audio data.");
    }
    this.framesFed += frames;
    return !this.full;
  }

  /** Finishes the pass and returns the fingerprint; the session is disposed afterwards. */
  finish(): Fingerprint {
    this.assertLive();
    try {
      const seconds = this.secondsFed;
      if (seconds < MIN_AUDIO_SECONDS) {
        throw new FingerprintError(
          "too-short",
          `Only ${seconds.toFixed(1)} s of audio; at least ${MIN_AUDIO_SECONDS} s are needed to identify a song.`,
        );
      }
      if (this.peak <= SILENCE_PEAK) {
        throw new FingerprintError("silent", "The audio is silent, so it cannot be identified.");
      }
      if (!this.engine.chromaprint_finish(this.ctx)) {
        throw new FingerprintError("engine", "Chromaprint could not finish the fingerprint.");
      }
      const raw = this.readRaw();
      if (raw.length === 0) {
        throw new FingerprintError("too-short", "Not enough audio to compute a fingerprint.");
      }
      return {
        raw,
        compressed: this.readCompressed(),
        algorithm: CHROMAPRINT_ALGORITHM_DEFAULT,
        fingerprintedSeconds: seconds,
      };
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    if (this.buffer) this.engine.free(this.buffer);
    if (this.ctx) this.engine.chromaprint_free(this.ctx);
    this.buffer = 0;
    this.bufferBytes = 0;
    this.ctx = 0;
  }

  private assertLive(): void {
    if (!this.ctx) throw new FingerprintError("engine", "This fingerprinting session is already finished.");
  }

  private reserve(bytes: number): number {
    if (bytes > this.bufferBytes) {
      if (this.buffer) this.engine.free(this.buffer);
      this.buffer = this.engine.malloc(bytes);
      if (!this.buffer) throw new FingerprintError("engine", "Chromaprint ran out of memory.");
      this.bufferBytes = bytes;
    }
    return this.buffer;
  }

  private readRaw(): Uint32Array {
    const { engine } = this;
    const out = engine.malloc(8); // [uint32_t* data, int size]
    try {
      if (!engine.chromaprint_get_raw_fingerprint(this.ctx, out, out + 4)) {
        throw new FingerprintError("engine", "Chromaprint could not return the raw fingerprint.");
      }
      const view = new DataView(engine.memory.buffer);
      const dataPtr = view.getUint32(out, true);
      const size = view.getInt32(out + 4, true);
      const items = new Uint32Array(Math.max(0, size));
      items.set(new Uint32Array(engine.memory.buffer, dataPtr, items.length));
      engine.free(dataPtr);
      return items;
    } finally {
      engine.free(out);
    }
  }

  private readCompressed(): string {
    const { engine } = this;
    const out = engine.malloc(4);
    try {
      if (!engine.chromaprint_get_fingerprint(this.ctx, out)) {
        throw new FingerprintError("engine", "Chromaprint could not encode the fingerprint.");
      }
      const strPtr = new DataView(engine.memory.buffer).getUint32(out, true);
      const bytes = new Uint8Array(engine.memory.buffer);
      let end = strPtr;
      while (bytes[end] !== 0) end++;
      // The encoding is base64url: plain ASCII.
      const text = String.fromCharCode(...bytes.subarray(strPtr, end));
      engine.free(strPtr);
      return text;
    } finally {
      engine.free(out);
    }
  }
}

/** Fingerprints a whole buffer of interleaved PCM in one call. */
export function fingerprintPcm(
  engine: ChromaprintExports,
  samples: Int16Array,
  options: SessionOptions,
): Fingerprint {
  const session = new ChromaprintSession(engine, options);
  try {
    session.feed(samples);
  } catch (error) {
    session.dispose();
    throw error;
  }
  return session.finish();
}
