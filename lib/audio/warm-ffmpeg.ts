// FFmpeg started before its input is known. FFmpeg's start-up costs more than decoding two
// minutes of MP3 (≈ 0.16 CPU s, mostly the dynamic loader binding symbols across Debian's 216
// shared libraries; see docs/FINGERPRINT.md), so a long-lived process (the server, a benchmark)
// keeps one FFmpeg waiting: it reads a one-line concat list from stdin, so it has loaded and
// parsed its options before it is told which file to open. The concat demuxer opens that file as
// a normal seekable file, and `-segment_time_metadata` hands back the file's own duration, which
// a pipe would have lost: it is written to fd 3 (as a log line on every frame it cost 50 ms per
// song; a split graph printing it once, 70 ms — measured in docs/FINGERPRINT.md).
//
// The waiting process never outlives us: if Node exits, its stdin closes, the list is empty and
// FFmpeg exits. It never keeps Node alive either (its handles are unref'd until it is used).
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";

/** stdin: the concat list; stdout: the output; stderr: the log; fd 3: per-frame metadata lines. */
export type FfmpegProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * The environment to run FFmpeg in. Debian's libavfilter links OpenBLAS and libgomp (through
 * filters we never use), whose worker threads start with the process and spin in sched_yield:
 * measured here, they cost a third of FFmpeg's CPU time on a 2-minute Ogg decode — taken from the
 * core that fingerprints the PCM in Node at the same time.
 */
export function ffmpegEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
}

function metadataStream(child: FfmpegProcess): Readable {
  return child.stdio[3] as Readable;
}

/** The packet metadata key through which the concat demuxer reports the file's duration (µs). */
const CONCAT_DURATION_KEY = "lavf.concatdec.duration";

interface Spare {
  key: string;
  child: FfmpegProcess;
  exited: boolean;
}

let spare: Spare | undefined;

function spareKey(ffmpeg: string, graph: string, outputArgs: readonly string[]): string {
  return JSON.stringify([ffmpeg, graph, outputArgs]);
}

/** The waiting spare if it was started with these arguments and is still alive. */
function matchingSpare(key: string): Spare | undefined {
  return spare && spare.key === key && !spare.exited ? spare : undefined;
}

function launch(ffmpeg: string, graph: string, outputArgs: readonly string[]): FfmpegProcess {
  const args = [
    "-hide_banner",
    "-nostdin", // no keyboard interaction; the input below still reads fd 0
    // Node's stdio is a socket, which /dev/stdin cannot open: read it as a pipe, and let the list
    // name only local files.
    "-protocol_whitelist",
    "file,pipe",
    "-f",
    "concat",
    "-safe",
    "0",
    "-segment_time_metadata",
    "1",
    "-i",
    "pipe:0",
    "-map",
    "0:a:0",
    "-af",
    `ametadata=mode=print:key=${CONCAT_DURATION_KEY}:file='pipe\\:3',${graph}`,
    // Let the output buffer fill (32 kB) instead of a write per decoded frame.
    "-flush_packets",
    "0",
    ...outputArgs,
  ];
  return spawn(ffmpeg, args, { stdio: ["pipe", "pipe", "pipe", "pipe"], env: ffmpegEnv() }) as FfmpegProcess;
}

/** The file's duration in seconds, from the metadata lines on fd 3 (undefined if FFmpeg had none). */
export function concatDuration(child: FfmpegProcess): Promise<number | undefined> {
  return new Promise((done) => {
    const pattern = new RegExp(`${CONCAT_DURATION_KEY.replaceAll(".", "\\.")}=(\\d+)\\n`);
    let head = "";
    let found = false;
    const meta = metadataStream(child);
    meta.setEncoding("utf8");
    meta.on("data", (text: string) => {
      if (found) return; // the rest is drained
      head += text;
      const m = pattern.exec(head);
      if (m) {
        found = true;
        done(Number(m[1]) / 1e6);
      } else if (head.length > 4096) head = head.slice(-256);
    });
    meta.on("error", () => done(undefined));
    meta.on("close", () => done(undefined));
  });
}

function setRef(child: FfmpegProcess, on: boolean): void {
  for (const stream of child.stdio as unknown as ({ ref(): void; unref(): void } | null)[]) {
    if (on) stream?.ref();
    else stream?.unref();
  }
  if (on) child.ref();
  else child.unref();
}

/** The line of a concat list naming `path`; undefined for paths the list syntax cannot carry. */
export function concatListLine(path: string): string | undefined {
  if (/[\r\n\0]/.test(path)) return undefined;
  // Inside single quotes everything is literal; a quote itself is closed, escaped and reopened.
  // `file:` makes the URL absolute (a bare path would be resolved against "pipe:0").
  return `file 'file:${resolve(path).replaceAll("'", "'\\''")}'\n`;
}

/**
 * An FFmpeg decoding `path` through `graph` (a filter chain from the first audio stream to the
 * output) with `outputArgs`, taken from the waiting spare when one with the same arguments exists.
 * Returns undefined when `path` cannot be named in a concat list (the caller spawns FFmpeg itself).
 */
export function startWarmFfmpeg(
  ffmpeg: string,
  graph: string,
  outputArgs: readonly string[],
  path: string,
): FfmpegProcess | undefined {
  const line = concatListLine(path);
  if (line === undefined) return undefined;
  const waiting = matchingSpare(spareKey(ffmpeg, graph, outputArgs));
  let child: FfmpegProcess;
  if (waiting) {
    child = waiting.child;
    setRef(child, true);
  } else {
    spare?.child.kill("SIGKILL");
    child = launch(ffmpeg, graph, outputArgs);
  }
  spare = undefined;
  child.stdin.on("error", () => undefined); // FFmpeg may exit before reading the list (bad binary)
  child.stdin.end(line);
  return child;
}

/**
 * Starts the next spare once the machine is idle enough: call it after a decode has finished, not
 * during one, so its start-up never competes with the decode for a core.
 */
export function prepareSpareFfmpeg(ffmpeg: string, graph: string, outputArgs: readonly string[]): void {
  const key = spareKey(ffmpeg, graph, outputArgs);
  if (matchingSpare(key)) return;
  spare?.child.kill("SIGKILL");
  let child: FfmpegProcess;
  try {
    child = launch(ffmpeg, graph, outputArgs);
  } catch {
    return; // e.g. out of processes: the next decode starts its own
  }
  const entry: Spare = { key, child, exited: false };
  child.on("error", () => {
    entry.exited = true;
  });
  child.on("exit", () => {
    entry.exited = true;
    if (spare === entry) spare = undefined;
  });
  // Drain its output while waiting so a chatty failure can never block it.
  child.stderr.resume();
  metadataStream(child).resume();
  setRef(child, false);
  spare = entry;
}

/** The waiting spare's process id, if one is waiting (tests). */
export function spareFfmpegPid(): number | undefined {
  return spare && !spare.exited ? spare.child.pid : undefined;
}

/** Stops the waiting spare, if any (tests, shutdown). */
export function stopSpareFfmpeg(): void {
  spare?.child.kill("SIGKILL");
  spare = undefined;
}
