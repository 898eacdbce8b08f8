// Node-only: decode any file FFmpeg reads into float PCM at a chosen rate and channel count, for
// the generation pipeline (the models take mono float PCM; `separate` writes stems at the input's
// own rate). Whole-file decoding, bounded by maxSeconds so a hostile file cannot fill memory.
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { FingerprintError } from "../fingerprint/errors.ts";
import { describeFailure, ffmpegPath, parseDuration } from "./decode-node.ts";
import { ffmpegEnv } from "./warm-ffmpeg.ts";

/** The longest song the generation pipeline decodes (uploads are refused past it before queueing). */
export const MAX_SONG_SECONDS = 20 * 60;

export interface FloatDecodeOptions {
  /** Output rate; default: the input's own rate. */
  sampleRate?: number;
  /** 1 or 2; default: the source's own layout (more than two channels are mixed to stereo). */
  channels?: 1 | 2;
  /** Refuse (not truncate) audio longer than this. Default 20 minutes. */
  maxSeconds?: number;
  signal?: AbortSignal;
}

export interface DecodedAudio {
  sampleRate: number;
  /** Planar channels. */
  channels: Float32Array[];
  durationSeconds: number;
  /** The input's own sample rate, as FFmpeg reports it. */
  sourceSampleRate: number;
}

export async function decodeFileFloat(path: string, options: FloatDecodeOptions = {}): Promise<DecodedAudio> {
  const maxSeconds = options.maxSeconds ?? MAX_SONG_SECONDS;
  try {
    if (!(await stat(path)).isFile()) throw new Error("not a file");
  } catch {
    throw new FingerprintError("not-found", `No readable file at ${path}.`);
  }
  const source = await probeStream(path, options.signal);
  const sourceSampleRate = source.sampleRate;
  const sampleRate = options.sampleRate ?? sourceSampleRate;
  // Never upmix: FFmpeg spreads mono over stereo at -3 dB, which would change the level the models hear.
  const channelCount = options.channels ?? (source.channels === 1 ? 1 : 2);
  const args = ["-hide_banner", "-nostdin", "-i", path, "-map", "0:a:0", "-vn", "-sn", "-dn"];
  args.push(
    "-t",
    String(maxSeconds + 1),
    "-ac",
    String(channelCount),
    "-ar",
    String(sampleRate),
    "-f",
    "f32le",
    "pipe:1",
  );
  const limitBytes = Math.ceil((maxSeconds + 1) * sampleRate) * channelCount * 4;

  const { stdout, stderr } = await runFfmpeg(args, options.signal);
  if (stdout.length > limitBytes - sampleRate * channelCount * 4) {
    throw new FingerprintError(
      "decode-failed",
      `${path} is longer than ${Math.round(maxSeconds / 60)} minutes; BeatSight charts songs up to that length.`,
    );
  }
  const frames = Math.floor(stdout.length / 4 / channelCount);
  const interleaved = new Float32Array(frames * channelCount);
  new Uint8Array(interleaved.buffer).set(stdout.subarray(0, interleaved.byteLength));
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) channels[c]![i] = interleaved[i * channelCount + c]!;
  }
  if (frames === 0) throw new FingerprintError("not-audio", `${path} contains no audio samples.`);
  return {
    sampleRate,
    channels,
    durationSeconds: parseDuration(stderr) ?? frames / sampleRate,
    sourceSampleRate,
  };

  function runFfmpeg(ffArgs: string[], signal?: AbortSignal): Promise<{ stdout: Buffer; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(ffmpegPath(), ffArgs, {
        stdio: ["ignore", "pipe", "pipe"],
        signal,
        env: ffmpegEnv(),
      });
      const parts: Buffer[] = [];
      let size = 0;
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        size += d.length;
        if (size <= limitBytes) parts.push(d);
        else child.kill("SIGKILL");
      });
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (t: string) => {
        err = err.length < 16_384 ? err + t : err;
      });
      child.on("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "ENOENT"
            ? new FingerprintError(
                "decode-failed",
                "FFmpeg is not installed. Run `bash scripts/system-deps.sh`.",
              )
            : error,
        ),
      );
      child.on("close", (code) => {
        if (size > limitBytes) resolve({ stdout: Buffer.concat(parts), stderr: err });
        else if (code !== 0) reject(describeFailure(path, err, code));
        else resolve({ stdout: Buffer.concat(parts), stderr: err });
      });
    });
  }
}

async function probeStream(
  path: string,
  signal?: AbortSignal,
): Promise<{ sampleRate: number; channels: number }> {
  // `ffmpeg -i` alone prints the stream description and exits 1 (no output named): read the rate.
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(ffmpegPath(), ["-hide_banner", "-nostdin", "-i", path], {
      stdio: ["ignore", "ignore", "pipe"],
      signal,
      env: ffmpegEnv(),
    });
    let text = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (t: string) => {
      text += t;
    });
    child.on("error", reject);
    child.on("close", () => resolve(text));
  });
  const stream = /Audio: [^\n]*?, (\d+) Hz, ([^,\n]+)/.exec(stderr);
  if (!stream) throw describeFailure(path, stderr, 1);
  const layout = stream[2]!.trim();
  const channels =
    layout === "mono" ? 1 : layout === "stereo" ? 2 : Number(/^(\d+) channels/.exec(layout)?.[1] ?? 3);
  return { sampleRate: Number(stream[1]), channels };
}
