import { describe, expect, it } from "vitest";
import { memoryIo } from "../io.ts";
import { main } from "../main.ts";
import { parseSeparateArgs } from "./separate.ts";
import { parseTranscribeArgs } from "./transcribe.ts";

describe("beatsight transcribe / separate arguments", () => {
  it("reads the interface the issue fixes", () => {
    expect(parseTranscribeArgs(["song.mp3", "-o", "song.bsm"])).toMatchObject({
      input: "song.mp3",
      output: "song.bsm",
      separation: true,
      device: "auto",
    });
    expect(parseSeparateArgs(["song.mp3", "-o", "stems"])).toMatchObject({
      input: "song.mp3",
      outDir: "stems",
    });
  });

  it("explains what is missing or wrong", () => {
    expect(parseTranscribeArgs(["song.mp3"])).toMatch(/no output chart/);
    expect(parseTranscribeArgs(["-o", "x.bsm"])).toMatch(/no input audio/);
    expect(parseTranscribeArgs(["a.mp3", "-o", "x.json"])).toMatch(/must be a \.bsm/);
    expect(parseTranscribeArgs(["a.mp3", "-o", "x.bsm", "--device", "tpu"])).toMatch(/--device/);
    expect(parseSeparateArgs(["a.mp3"])).toMatch(/no output directory/);
  });

  it("exits 2 with usage on bad arguments and 1 with a message when the models are missing", async () => {
    const io = memoryIo();
    expect(await main(["transcribe", "song.mp3"], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/Usage: beatsight transcribe/);
    const io2 = memoryIo();
    expect(await main(["separate", "song.mp3", "-o", "/tmp/x", "--models", "/nonexistent"], io2)).toBe(1);
    expect(io2.stderr.join("\n")).toMatch(/No readable model manifest in \/nonexistent/);
  });
});
