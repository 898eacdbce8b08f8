import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBeatmap, serializeBeatmap } from "../../lib/beatmap/index.ts";
import { grooveChart } from "../../lib/beatmap/testing.ts";
import { validateMusicXmlFile } from "../../test/musicxml-xsd.ts";
import { memoryIo } from "../io.ts";
import { command } from "./convert.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "beatsight-convert-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function convert(...args: string[]) {
  const io = memoryIo();
  const code = await command.run(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("beatsight convert", () => {
  it.each(["mid", "chart", "osu", "musicxml"])(
    "round-trips .bsm → .%s → .bsm keeping the notes",
    async (ext) => {
      const original = grooveChart();
      const src = join(dir, `groove-${ext}.bsm`);
      await writeFile(src, serializeBeatmap(original));
      const mid = join(dir, ext, `song.${ext}`);
      await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, ext), { recursive: true }));
      const there = await convert(src, mid);
      expect(there.code, there.err).toBe(0);
      expect(there.out).toMatch(/Wrote/);
      const back = join(dir, `back-${ext}.bsm`);
      expect((await convert(mid, back)).code).toBe(0);
      const result = parseBeatmap(await readFile(back, "utf8"));
      expect(result.HitObjects).toHaveLength(original.HitObjects.length);
      result.HitObjects.forEach((h, i) => {
        expect(Math.abs(h.Time - original.HitObjects[i]!.Time)).toBeLessThanOrEqual(1);
        expect(h.Lane).toBe(original.HitObjects[i]!.Lane);
      });
      // What the CLI writes is valid MusicXML 4.0, not only readable by our own importer.
      if (ext === "musicxml") expect(() => validateMusicXmlFile(mid)).not.toThrow();
      if (ext === "chart") expect(await readFile(join(dir, ext, "song.ini"), "utf8")).toMatch(/^\[song\]/);
    },
  );

  it("writes Guitar Pro and ASCII drum tab, which it cannot read back", async () => {
    const src = join(dir, "groove-out.bsm");
    await writeFile(src, serializeBeatmap(grooveChart()));
    const gp = await convert(src, join(dir, "groove.gp"));
    expect(gp.code, gp.err).toBe(0);
    // A .gp file is a zip archive.
    expect([...(await readFile(join(dir, "groove.gp"))).subarray(0, 2)]).toEqual([0x50, 0x4b]);
    const tab = await convert(src, join(dir, "groove.txt"));
    expect(tab.code, tab.err).toBe(0);
    expect(await readFile(join(dir, "groove.txt"), "utf8")).toMatch(/^BD \|O-------O-o-----\|/m);
    const back = await convert(join(dir, "groove.txt"), join(dir, "from-tab.bsm"));
    expect(back.code).toBe(1);
    expect(back.err).toMatch(/can be written but not read/);
  });

  it("prints lint warnings and still converts", async () => {
    const b = grooveChart();
    b.HitObjects.push({ ...b.HitObjects.at(-1)!, Time: b.HitObjects.at(-1)!.Time + 0.5 });
    const src = join(dir, "dup.bsm");
    await writeFile(src, serializeBeatmap(b));
    const r = await convert(src, join(dir, "dup.osu"));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*within 1 ms/);
  });

  it("exits non-zero with a clear message on errors", async () => {
    const bad = join(dir, "bad.bsm");
    await writeFile(
      bad,
      '{"Version":1,"Metadata":{"Title":"x","Artist":"y"},"HitObjects":[{"Time":0,"Component":"kick","Lane":9,"Velocity":1}]}',
    );
    let r = await convert(bad, join(dir, "bad.mid"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/HitObjects\[0\]\.Lane: expected 0–6/);

    r = await convert(join(dir, "missing.mid"), join(dir, "x.bsm"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not exist/);

    r = await convert(bad, join(dir, "x.pdf"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\.pdf; use one of/);

    const lying = join(dir, "lying.mid");
    await writeFile(lying, "hello");
    r = await convert(lying, join(dir, "x.bsm"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a MIDI file/);

    expect((await convert("only-one.bsm")).code).toBe(2);
  });
});
