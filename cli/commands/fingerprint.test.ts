import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fpcalc,
  makeTempDir,
  renderSong,
  requireTools,
  transcode,
} from "../../lib/fingerprint/test-support.ts";
import { memoryIo } from "../io.ts";
import { command } from "./fingerprint.ts";

let tmp: ReturnType<typeof makeTempDir>;
let song: string;

beforeAll(() => {
  requireTools("fpcalc", "ffmpeg", "sox");
  tmp = makeTempDir();
  song = transcode(renderSong(tmp.dir, 3, 20), join(tmp.dir, "song.mp3"), ["-b:a", "128k"]);
}, 60_000);

afterAll(() => tmp?.cleanup());

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await command.run(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("beatsight fingerprint", () => {
  it("prints DURATION= and FINGERPRINT= exactly like fpcalc", async () => {
    const result = await run(song);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toBe(fpcalc(song).trim());
  });

  it("-raw and -json follow fpcalc's formats", async () => {
    expect((await run(song, "-raw")).out).toBe(fpcalc(song, ["-raw"]).trim());
    expect((await run(song, "-json")).out).toBe(fpcalc(song, ["-json"]).trim());
    expect((await run(song, "-raw", "-json")).out).toBe(fpcalc(song, ["-raw", "-json"]).trim());
  });

  it("explains bad input and exits non-zero", async () => {
    const missing = await run(join(tmp.dir, "nope.mp3"));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/No readable file/);

    const text = join(tmp.dir, "notes.txt");
    writeFileSync(text, "this is not audio\n".repeat(50));
    const notAudio = await run(text);
    expect(notAudio.code).not.toBe(0);
    expect(notAudio.err).toMatch(/not an audio file/);

    const silence = join(tmp.dir, "silence.wav");
    execFileSync("sox", ["-n", "-r", "44100", "-c", "2", silence, "trim", "0", "15"]);
    const silent = await run(silence);
    expect(silent.code).not.toBe(0);
    expect(silent.err).toMatch(/silent/);

    const short = transcode(song, join(tmp.dir, "short.wav"), ["-t", "2"]);
    const tooShort = await run(short);
    expect(tooShort.code).not.toBe(0);
    expect(tooShort.err).toMatch(/at least 5 s/);
  });

  it("rejects bad usage with exit code 2", async () => {
    expect((await run()).code).toBe(2);
    expect((await run(song, "-bogus")).code).toBe(2);
  });
});
