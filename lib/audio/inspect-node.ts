// Node-only: what an audio file really holds, measured before anything is queued for it. FFprobe
// reads the container (codec, declared duration); one FFmpeg pass decodes the audio to nowhere
// (`-f null`) to count the samples and find the loudest one. Both are bounded: a time limit each,
// decoding stops a second past `maxSeconds`, and only a few KB of their output is kept, so a
// hostile file costs at most one core for `timeoutMs`. The caller decides what is acceptable.
import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import path from "node:path";
import { ffmpegPath } from "./decode-node.ts";
import { ffmpegEnv } from "./warm-ffmpeg.ts";

export interface AudioInspection {
  /** FFprobe's container name, e.g. "wav", "flac", "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** The first audio stream's codec as FFmpeg names it ("mp3", "flac", "pcm_s16le"…); null: no audio stream. */
  codec: string | null;
  sampleRate: number;
  channels: number;
  /** What the file's header says, when it says it exactly (not an estimate from the bit rate). */
  declaredSeconds: number | null;
  /** Audio actually decoded (counted up to maxSeconds + 1). */
  decodedSeconds: number;
  /** The loudest sample, 0..1 of full scale (0 for digital silence). */
  peak: number;
  /** FFmpeg's last error lines when decoding failed (exit status ≠ 0), else null. */
  decodeError: string | null;
}

export class AudioInspectionError extends Error {
  override name = "AudioInspectionError";
  constructor(
    /** unreadable: no container FFprobe knows; no-decoder: FFmpeg has no decoder for the codec; timeout. */
    readonly code: "unreadable" | "no-decoder" | "timeout",
    message: string,
  ) {
    super(message);
  }
}

export interface InspectOptions {
  /** Decoding stops one second past this; longer audio counts as maxSeconds + 1. */
  maxSeconds: number;
  /** Per process (FFprobe, then FFmpeg). Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** FFprobe beside the FFmpeg in use (BEATSIGHT_FFMPEG), else BEATSIGHT_FFPROBE, else on PATH. */
export function ffprobePath(): string {
  if (process.env.BEATSIGHT_FFPROBE) return process.env.BEATSIGHT_FFPROBE;
  const ffmpeg = ffmpegPath();
  return path.basename(ffmpeg) === "ffmpeg" ? path.join(path.dirname(ffmpeg), "ffprobe") : "ffprobe";
}

const KEEP_OUTPUT = 64 * 1024;

function run(
  command: string,
  args: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: ffmpegEnv(), signal });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (t: string) => {
      if (stdout.length < KEEP_OUTPUT) stdout += t;
      else child.kill("SIGKILL");
    });
    // Keep the head (stream description) and the tail (the filter's summary, errors).
    child.stderr.on("data", (t: string) => {
      stderr =
        stderr.length < KEEP_OUTPUT
          ? stderr + t
          : stderr.slice(0, KEEP_OUTPUT / 2) + stderr.slice(-KEEP_OUTPUT / 2) + t;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const ProbeJson = (value: unknown) => {
  const v = value as {
    streams?: { codec_type?: string; codec_name?: string; sample_rate?: string; channels?: number }[];
    format?: { format_name?: string; duration?: string };
  };
  return { streams: Array.isArray(v?.streams) ? v.streams : [], format: v?.format ?? {} };
};

export async function inspectAudioFile(file: string, options: InspectOptions): Promise<AudioInspection> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const probe = await run(
    ffprobePath(),
    [
      "-v",
      "warning",
      "-show_entries",
      "format=format_name,duration:stream=codec_type,codec_name,sample_rate,channels",
      "-of",
      "json",
      file,
    ],
    timeoutMs,
    options.signal,
  );
  if (probe.timedOut) throw new AudioInspectionError("timeout", "FFprobe took too long to read the file.");
  let parsed: ReturnType<typeof ProbeJson>;
  try {
    parsed = ProbeJson(JSON.parse(probe.stdout));
  } catch {
    parsed = ProbeJson({});
  }
  if (probe.code !== 0 || !parsed.format.format_name) {
    throw new AudioInspectionError(
      "unreadable",
      lastLines(probe.stderr) || "FFprobe could not read the file.",
    );
  }
  const audio = parsed.streams.find((s) => s.codec_type === "audio");
  const container = parsed.format.format_name;
  const base = {
    container,
    codec: audio ? (audio.codec_name ?? "unknown") : null,
    sampleRate: Number(audio?.sample_rate ?? 0),
    channels: audio?.channels ?? 0,
  };
  // A duration FFmpeg guessed from the bit rate is no promise the file broke.
  const estimated = /Estimating duration from bitrate/i.test(probe.stderr);
  const probed = Number(parsed.format.duration);
  let declaredSeconds = !estimated && Number.isFinite(probed) && probed > 0 ? probed : null;
  if (container === "wav") declaredSeconds = (await wavDeclaredSeconds(file)) ?? declaredSeconds;
  if (!audio) return { ...base, declaredSeconds, decodedSeconds: 0, peak: 0, decodeError: null };
  // Decoded even when the header says it is too long: the header may lie either way, and the
  // decode stops a second past the limit.

  const decode = await run(
    ffmpegPath(),
    [
      "-hide_banner",
      "-nostdin",
      "-nostats",
      "-i",
      file,
      "-map",
      "0:a:0",
      "-t",
      String(options.maxSeconds + 1),
      // One channel at the source rate: n_samples is then the number of frames.
      "-af",
      "aformat=sample_fmts=flt:channel_layouts=mono,volumedetect",
      "-f",
      "null",
      "-",
    ],
    timeoutMs,
    options.signal,
  );
  if (decode.timedOut) throw new AudioInspectionError("timeout", "FFmpeg took too long to decode the file.");
  if (/Decoder \(codec [^)]*\) not found|could not find codec|Unknown decoder/i.test(decode.stderr)) {
    throw new AudioInspectionError("no-decoder", lastLines(decode.stderr));
  }
  const frames = Number(/n_samples: (\d+)/.exec(decode.stderr)?.[1] ?? 0);
  const maxDb = /max_volume: (-?[\d.]+|-inf) dB/.exec(decode.stderr)?.[1];
  const rate = base.sampleRate || Number(/, (\d+) Hz,/.exec(decode.stderr)?.[1] ?? 0);
  return {
    ...base,
    declaredSeconds,
    decodedSeconds: rate > 0 ? frames / rate : 0,
    peak: maxDb === undefined || maxDb === "-inf" ? 0 : 10 ** (Number(maxDb) / 20),
    decodeError: decode.code === 0 ? null : lastLines(decode.stderr) || `FFmpeg exited with ${decode.code}`,
  };
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" ").slice(0, 300);
}

/**
 * The audio a WAV file's `data` chunk says it holds. FFmpeg trusts the file's length instead (and
 * only warns), so a header that promises more than the file holds is read here. 0 and 0xFFFFFFFF
 * mean "unknown" (what streaming writers put there) and give null.
 */
export async function wavDeclaredSeconds(file: string): Promise<number | null> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return parseWavDeclaredSeconds(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export function parseWavDeclaredSeconds(head: Uint8Array): number | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let byteRate = 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && at + 16 <= head.length) byteRate = view.getUint32(at + 16, true);
    if (id === "data") {
      if (size === 0 || size === 0xffffffff || byteRate === 0) return null;
      return size / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
