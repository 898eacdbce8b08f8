// Node-only decoding: FFmpeg (Debian's `ffmpeg`, see scripts/system-deps.sh) decodes any format it
// knows and resamples to 11025 Hz mono with libswresample in the same "compatible mode" fpcalc uses,
// so Node fingerprints match fpcalc bit for bit. Output is streamed: callers can fingerprint while
// FFmpeg is still decoding (two processes, two cores). A long-lived process keeps the next FFmpeg
// started ahead of need (warm-ffmpeg.ts).
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { FingerprintError } from "../fingerprint/errors.ts";
import { CHROMAPRINT_SAMPLE_RATE } from "./pcm.ts";
import { concatDuration, ffmpegEnv, prepareSpareFfmpeg, startWarmFfmpeg } from "./warm-ffmpeg.ts";

/**
 * chromaprint's FFmpegAudioProcessor::SetCompatibleMode(), as an aresample filter, fed 16,384
 * samples at a time: FFmpeg's per-frame overhead (filters, encoder, muxer) is then paid ~300
 * times per two minutes instead of ~5,000 — 10 % of the Ogg decode, measured. The resampler
 * keeps its state across frames, so the output is the same bytes.
 */
const FPCALC_COMPATIBLE_RESAMPLE =
  "asetnsamples=n=16384:p=0," +
  `aresample=resampler=swr:osr=${CHROMAPRINT_SAMPLE_RATE}:ochl=mono:osf=s16:` +
  "filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8";

export interface DecodeNodeOptions {
  /** Stop after this many seconds of audio (fpcalc's -length). Default 120. */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** Defaults to BEATSIGHT_FFMPEG or `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /**
   * Start the next FFmpeg when this one is done, so the next decode skips FFmpeg's start-up
   * (lib/audio/warm-ffmpeg.ts). Default true; one-shot processes such as the CLI pass false.
   */
  keepWarm?: boolean;
}

export interface StreamResult {
  /** The container's duration in seconds (fpcalc's DURATION), else the decoded length. */
  durationSeconds: number;
  decodedSeconds: number;
}

export function parseDuration(stderr: string): number | undefined {
  const m = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export function describeFailure(path: string, stderr: string, code: number | null): FingerprintError {
  const detail = stderr.trim().split("\n").slice(-3).join(" ").slice(0, 300);
  if (
    /does not contain any stream|matches no streams|no audio stream|Invalid data found|could not find codec/i.test(
      stderr,
    )
  ) {
    return new FingerprintError("not-audio", `${path} is not an audio file FFmpeg can read (${detail}).`);
  }
  return new FingerprintError("decode-failed", `FFmpeg could not decode ${path} (exit ${code}): ${detail}`);
}

/** The FFmpeg to run: the caller's, else BEATSIGHT_FFMPEG, else `ffmpeg` on PATH. */
export function ffmpegPath(options: Pick<DecodeNodeOptions, "ffmpegPath"> = {}): string {
  return options.ffmpegPath ?? process.env.BEATSIGHT_FFMPEG ?? "ffmpeg";
}

function mono11025OutputArgs(maxSeconds: number): string[] {
  // A little past the limit: the fingerprinter cuts at the exact sample, as fpcalc does.
  return [...(maxSeconds > 0 ? ["-t", String(maxSeconds + 1)] : []), "-f", "s16le", "pipe:1"];
}

/**
 * Starts an FFmpeg for the next streamMono11025() with the same options, so that call skips
 * FFmpeg's start-up (each decode calls this when it is done; the benchmark calls it directly).
 */
export function prewarmMono11025(options: Pick<DecodeNodeOptions, "maxSeconds" | "ffmpegPath"> = {}): void {
  prepareSpareFfmpeg(
    ffmpegPath(options),
    FPCALC_COMPATIBLE_RESAMPLE,
    mono11025OutputArgs(options.maxSeconds ?? 120),
  );
}

/**
 * Decodes `path` to mono 16-bit 11025 Hz PCM and hands it to `onChunk` as it arrives. Returning
 * false from `onChunk` stops decoding early.
 */
export async function streamMono11025(
  path: string,
  onChunk: (samples: Int16Array) => boolean | undefined,
  options: DecodeNodeOptions = {},
): Promise<StreamResult> {
  const maxSeconds = options.maxSeconds ?? 120;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a file");
  } catch {
    throw new FingerprintError("not-found", `No readable file at ${path}.`);
  }
  options.signal?.throwIfAborted();
  const ffmpeg = ffmpegPath(options);
  const keepWarm = options.keepWarm ?? true;
  const outputArgs = mono11025OutputArgs(maxSeconds);

  return new Promise<StreamResult>((resolve, reject) => {
    const warm = startWarmFfmpeg(ffmpeg, FPCALC_COMPATIBLE_RESAMPLE, outputArgs, path);
    // Without a concat list (a path it cannot name), the Duration line of the log has it.
    const duration = warm ? concatDuration(warm) : undefined;
    const child =
      warm ??
      spawn(
        // A program and a file named at run time: nothing for Next's standalone trace to copy.
        /*turbopackIgnore: true*/ ffmpeg,
        [
          "-hide_banner",
          "-nostdin",
          "-i",
          path,
          "-map",
          "0:a:0",
          "-af",
          FPCALC_COMPATIBLE_RESAMPLE,
          ...outputArgs,
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: ffmpegEnv() },
      );
    let stderr = "";
    let carry: Buffer | undefined;
    let samples = 0;
    let stopped = false;
    let failed = false;
    const onAbort = () => fail(new FingerprintError("aborted", "Decoding was cancelled."));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      options.signal?.removeEventListener("abort", onAbort);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      // Keep the head (duration) and the tail (errors); drop progress lines in between.
      stderr = stderr.length < 16_384 ? stderr + text : stderr.slice(0, 8192) + stderr.slice(-8192) + text;
    });
    child.stdout.on("data", (data: Buffer) => {
      if (stopped || failed) return;
      let bytes = carry ? Buffer.concat([carry, data]) : data;
      carry = undefined;
      if (bytes.length % 2) {
        carry = bytes.subarray(bytes.length - 1);
        bytes = bytes.subarray(0, bytes.length - 1);
      }
      if (bytes.length === 0) return;
      // Copy into an aligned buffer: Buffer slices may start at odd offsets.
      const chunk = new Int16Array(bytes.length / 2);
      new Uint8Array(chunk.buffer).set(bytes);
      samples += chunk.length;
      try {
        if (onChunk(chunk) === false) {
          stopped = true;
          child.kill("SIGTERM");
        }
      } catch (error) {
        fail(error);
      }
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        fail(
          new FingerprintError(
            "decode-failed",
            `FFmpeg is not installed (looked for "${ffmpeg}"). Run \`bash scripts/system-deps.sh\`.`,
            { cause: error },
          ),
        );
      } else {
        fail(
          new FingerprintError("decode-failed", `Could not run FFmpeg: ${error.message}`, { cause: error }),
        );
      }
    });
    child.on("close", (code) => {
      if (failed) return;
      options.signal?.removeEventListener("abort", onAbort);
      if (keepWarm) prewarmMono11025({ maxSeconds, ffmpegPath: ffmpeg });
      if (!stopped && code !== 0) {
        fail(describeFailure(path, stderr.replaceAll("pipe:0", path), code));
        return;
      }
      const decodedSeconds = samples / CHROMAPRINT_SAMPLE_RATE;
      void (duration ?? Promise.resolve(parseDuration(stderr))).then((seconds) =>
        resolve({ durationSeconds: seconds ?? decodedSeconds, decodedSeconds }),
      );
    });
  });
}
