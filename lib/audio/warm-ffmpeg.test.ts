// The decoder kept started ahead of need: same results as a fresh FFmpeg, for any file name, and
// it neither keeps Node alive nor outlives it.
import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintFile } from "../fingerprint/node.ts";
import { fpcalcRaw, makeTempDir, renderSong, requireTools, transcode } from "../fingerprint/test-support.ts";
import { streamMono11025 } from "./decode-node.ts";
import { concatListLine, spareFfmpegPid, stopSpareFfmpeg } from "./warm-ffmpeg.ts";

let tmp: ReturnType<typeof makeTempDir>;
let song: string;

beforeAll(() => {
  requireTools("fpcalc", "ffmpeg", "sox");
  tmp = makeTempDir();
  song = transcode(renderSong(tmp.dir, 4, 30), join(tmp.dir, "song.ogg"), ["-c:a", "libvorbis", "-q:a", "4"]);
}, 60_000);

afterAll(() => {
  stopSpareFfmpeg();
  tmp?.cleanup();
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(pid);
}

describe("concatListLine", () => {
  it("names any path literally, quotes included, and refuses what a list line cannot hold", () => {
    expect(concatListLine("/music/it's here.mp3")).toBe("file 'file:/music/it'\\''s here.mp3'\n");
    expect(concatListLine("/music/two\nlines.mp3")).toBeUndefined();
  });
});

describe("warm FFmpeg", () => {
  it("gives fpcalc's fingerprint and duration, and leaves the next decoder waiting", async () => {
    stopSpareFfmpeg();
    const ref = fpcalcRaw(song);
    const first = await fingerprintFile(song);
    const spare = spareFfmpegPid();
    expect(spare).toBeDefined();
    const second = await fingerprintFile(song);
    // The second call used that spare (it has finished) and left a new one.
    expect(await waitUntilGone(spare!)).toBe(true);
    expect(spareFfmpegPid()).not.toBe(spare);
    for (const fp of [first, second]) {
      expect(Array.from(fp.raw)).toEqual(Array.from(ref.raw));
      expect(Math.trunc(fp.durationSeconds)).toBe(ref.duration);
    }
  });

  it("decodes files whose names need quoting, or cannot be put in a list at all", async () => {
    const ref = fpcalcRaw(song);
    for (const name of [`it's a "song" — ü [1].ogg`, "two\nlines.ogg"]) {
      const odd = join(tmp.dir, name);
      copyFileSync(song, odd);
      const fp = await fingerprintFile(odd);
      expect(Array.from(fp.raw)).toEqual(Array.from(ref.raw));
      expect(Math.trunc(fp.durationSeconds)).toBe(ref.duration);
    }
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const decoding = streamMono11025(
      song,
      () => {
        controller.abort();
        return undefined;
      },
      { signal: controller.signal },
    );
    await expect(decoding).rejects.toMatchObject({ code: "aborted" });
  });

  it("neither keeps Node running nor outlives it", async () => {
    // A process that fingerprints once, prints the pid of its waiting FFmpeg and returns: it must
    // exit by itself, and that FFmpeg must exit with it.
    const script = [
      `const { fingerprintFile } = await import(${JSON.stringify(new URL("../fingerprint/node.ts", import.meta.url).pathname)});`,
      `const { readdirSync, readFileSync } = await import("node:fs");`,
      `await fingerprintFile(${JSON.stringify(song)});`,
      // The OS's view, not the module's: our FFmpeg children still running.
      "const ours = readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).filter((p) => {",
      "  try { const st = readFileSync('/proc/' + p + '/stat', 'utf8'); return st.includes('(ffmpeg)') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid; } catch { return false; }",
      "});",
      "console.log(JSON.stringify(ours.map(Number)));",
    ].join("\n");
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 120_000, // a hang guard: without the unref the process never exits
    });
    expect(child.error).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    const pids = JSON.parse(child.stdout.trim()) as number[];
    expect(pids, `FFmpeg children when the script ended: ${child.stdout}`).toHaveLength(1);
    const pid = pids[0]!;
    expect(await waitUntilGone(pid)).toBe(true);
  }, 150_000);
});
