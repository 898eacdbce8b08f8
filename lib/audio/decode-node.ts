// Node-only decoding: FFmpeg (Debian's `ffmpeg`, see scripts/system-deps.sh) decodes any format it
// knows and resamples to 11025 Hz mono with libswresample in the same "compatible mode" fpcalc uses,
// so Node fingerprints match fpcalc bit for bit. Output is streamed: callers can fingerprint while
// FFmpeg is still decoding (two processes, two cores).
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { FingerprintError } from "../fingerprint/errors.ts";
import { CHROMAPRINT_SAMPLE_RATE, type Mono11025 } from "./pcm.ts";

/** chromaprint's FFmpegAudioProcessor::SetCompatibleMode(), as an aresample filter. */
const FPCALC_COMPATIBLE_RESAMPLE =
  `aresample=resampler=swr:osr=${CHROMAPRINT_SAMPLE_RATE}:ochl=mono:osf=s16:` +
  "filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8";

export interface DecodeNodeOptions {
  /** Stop after this many seconds of audio (fpcalc's -length). Default 120. */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** Defaults to BEATSIGHT_FFMPEG or `ffmpeg` on PATH. */
  ffmpegPath?: string;
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
  const ffmpeg = options.ffmpegPath ?? process.env.BEATSIGHT_FFMPEG ?? "ffmpeg";
  const args = ["-hide_banner", "-nostdin", "-i", path, "-map", "0:a:0", "-vn", "-sn", "-dn"];
  // A little past the limit: the fingerprinter cuts at the exact sample, as fpcalc does.
  if (maxSeconds > 0) args.push("-t", String(maxSeconds + 1));
  args.push("-af", FPCALC_COMPATIBLE_RESAMPLE, "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1");

  return new Promise<StreamResult>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
    let stderr = "";
    let carry: Buffer | undefined;
    let samples = 0;
    let stopped = false;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      child.kill("SIGKILL");
      reject(error);
    };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      // Keep the head (Duration line) and the tail (errors); drop progress lines in between.
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
      if (error.name === "AbortError") {
        fail(new FingerprintError("aborted", "Decoding was cancelled.", { cause: error }));
      } else if (error.code === "ENOENT") {
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
      if (!stopped && code !== 0) {
        fail(describeFailure(path, stderr, code));
        return;
      }
      const decodedSeconds = samples / CHROMAPRINT_SAMPLE_RATE;
      resolve({ durationSeconds: parseDuration(stderr) ?? decodedSeconds, decodedSeconds });
    });
  });
}

/** Decodes the first `maxSeconds` of `path` into one buffer of mono 11025 Hz PCM. */
export async function decodeToMono11025(path: string, options: DecodeNodeOptions = {}): Promise<Mono11025> {
  const chunks: Int16Array[] = [];
  const { durationSeconds } = await streamMono11025(
    path,
    (chunk) => {
      chunks.push(chunk);
      return undefined;
    },
    options,
  );
  const limit = Math.floor((options.maxSeconds ?? 120) * CHROMAPRINT_SAMPLE_RATE);
  const total = Math.min(
    limit,
    chunks.reduce((n, c) => n + c.length, 0),
  );
  const samples = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= total) break;
    const part = chunk.subarray(0, total - offset);
    samples.set(part, offset);
    offset += part.length;
  }
  return { sampleRate: CHROMAPRINT_SAMPLE_RATE, samples, durationSeconds };
}
