// Stems in Chromium (issue 31.5 and 31.7): a chart generated on this device keeps its stems as Ogg
// Opus (the browser's WebCodecs encoder) at under a tenth of the WAV they were handed over as, and
// the editor opened on that chart loads them by itself and plays: the audio clock runs with the
// song's stems as its source and the playhead follows it. The byte counts are printed for
// docs/BENCHMARKS.md ("Stem storage").
import { readFileSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";
import { renderGroove } from "./support/groove.ts";

// Model download, WASM compilation and inference on a busy 2-core machine.
test.setTimeout(300_000);

let temp: ReturnType<typeof makeTempDir>;
let groove: Awaited<ReturnType<typeof renderGroove>>;

test.beforeAll(async () => {
  temp = makeTempDir();
  groove = await renderGroove(temp.dir);
});
test.afterAll(() => temp.cleanup());

interface StoredStemsSeen {
  chartId: string;
  bytes: number;
  drums: { size: number; type: string; head: string };
  accompaniment: { size: number; type: string; head: string };
}

test("a generated chart's stems are stored as Opus, and the editor plays them", async ({ page }) => {
  await page.goto("/generate");
  await page.getByLabel("Choose a file").setInputFiles({
    name: "Groove Study.wav",
    mimeType: "audio/wav",
    buffer: readFileSync(groove.file),
  });
  await expect(page.getByTestId("chosen-file")).toContainText("Groove Study.wav");
  await page.getByRole("radio", { name: /WebAssembly/ }).check();
  await page.getByRole("button", { name: "Generate the chart" }).click();
  await expect(page.getByTestId("generate-result")).toContainText("Chart ready", { timeout: 240_000 });

  // Read straight from IndexedDB, as stored.
  const stored = await page.evaluate(
    () =>
      new Promise<StoredStemsSeen[]>((resolve, reject) => {
        const open = indexedDB.open("beatsight");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("stems").objectStore("stems").getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = async () => {
            const summarize = async (b: Blob) => ({
              size: b.size,
              type: b.type,
              head: new TextDecoder().decode(await b.slice(0, 4).arrayBuffer()),
            });
            const rows = all.result as { chartId: string; bytes: number; drums: Blob; accompaniment: Blob }[];
            resolve(
              await Promise.all(
                rows.map(async (r) => ({
                  chartId: r.chartId,
                  bytes: r.bytes,
                  drums: await summarize(r.drums),
                  accompaniment: await summarize(r.accompaniment),
                })),
              ),
            );
          };
        };
      }),
  );
  expect(stored).toHaveLength(1);
  const stems = stored[0]!;
  for (const stem of [stems.drums, stems.accompaniment]) {
    expect(stem.type).toBe("audio/ogg; codecs=opus");
    expect(stem.head).toBe("OggS");
  }
  expect(stems.bytes).toBe(stems.drums.size + stems.accompaniment.size);
  // Before: each stem a 16-bit WAV at the song's rate and channels, the song's length, i.e. the
  // size of the (16-bit, same-rate) groove file itself.
  const wavBytes = 2 * statSync(groove.file).size;
  console.log(
    `stems of a ${(groove.durationMs / 1000).toFixed(1)} s mono 44.1 kHz groove: WAV ${wavBytes} B → Opus ${stems.bytes} B (${((100 * stems.bytes) / wavBytes).toFixed(1)} %)`,
  );
  expect(stems.bytes).toBeLessThanOrEqual(wavBytes * 0.1);

  // The editor on that chart plays the stored song with nothing picked.
  await page.goto(`/edit/local/${stems.chartId}`);
  await page.waitForFunction(() => Boolean(window.__beatsightEditor));
  await expect(page.getByTestId("editor-audio-source")).toHaveText("Playing: the song's stems");
  const audio = () => page.evaluate(() => window.__beatsightEditor!.audio());
  await expect.poll(async () => (await audio()).loaded).toBe(true);
  const loaded = await audio();
  // Decoded at its full length (Opus pads the end by a few ms, never trims it).
  expect(loaded.durationMs).toBeGreaterThanOrEqual(groove.durationMs - 5);
  expect(loaded.durationMs).toBeLessThanOrEqual(groove.durationMs + 50);
  expect(loaded.waveform).toBe(true);

  await page.getByRole("button", { name: "Play", exact: true }).click();
  const started = await audio();
  await expect.poll(async () => (await audio()).playing).toBe(true);
  await expect
    .poll(async () => (await audio()).contextTime - started.contextTime, { timeout: 10_000 })
    .toBeGreaterThan(1);
  await expect
    .poll(() => page.evaluate(() => window.__beatsightEditor!.playheadMs()), { timeout: 10_000 })
    .toBeGreaterThan(1000);
});
