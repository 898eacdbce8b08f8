// The practice player end to end in Chromium: import a .bsm into the library, open it, play it
// with hits dispatched at the notes' own times (keyboard and a mocked Web MIDI kit), and read the
// results. Hits carry the timeStamp a real key press would have (the moment the note is heard,
// read from the player's own audio-clock mapping), so the judgments do not depend on how busy
// the machine is.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { serializeBeatmap } from "../lib/beatmap/index.ts";
import { grooveChart } from "../lib/beatmap/testing.ts";
import { makeTempDir } from "../lib/fingerprint/test-support.ts";

test.setTimeout(120_000);

let temp: ReturnType<typeof makeTempDir>;
let bsmPath: string;
let longBsmPath: string;
const chart = grooveChart({ bars: 2, bpm: 120, offsetMs: 500 });
// 16 bars (~33 s): room to seek around during a run.
const longChart = grooveChart({ bars: 16, bpm: 120, offsetMs: 500 });
longChart.Metadata.Title = "Long groove";

test.beforeAll(() => {
  temp = makeTempDir();
  bsmPath = join(temp.dir, "groove.bsm");
  writeFileSync(bsmPath, serializeBeatmap(chart));
  longBsmPath = join(temp.dir, "long-groove.bsm");
  writeFileSync(longBsmPath, serializeBeatmap(longChart));
});
test.afterAll(() => temp.cleanup());

const LANE_CODES = ["KeyS", "KeyD", "KeyF", "Space", "KeyJ", "KeyK", "KeyL"];
const LANE_GM_NOTES = [49, 42, 38, 36, 47, 51, 55];

async function importAndOpen(page: Page, file = bsmPath, title = "Groove"): Promise<void> {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(file);
  await expect(page.getByTestId("library-status")).toContainText(`Imported “${title}”`);
  await page.getByRole("link", { name: `Play ${title}`, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await page.getByLabel("Count-in").selectOption("0");
}

/**
 * The seek bar and the clock against the audio clock, over `frames` frames: after each frame has
 * drawn, the thumb's position (ms) less the song time heard at that frame's timestamp, and
 * whether the clock text and the thumb's spoken value show the thumb's time.
 */
async function seekBarAgainstAudio(page: Page, frames = 12) {
  return page.evaluate(async (frames) => {
    const player = window.__beatsightPlayer!;
    const slider = document.querySelector<HTMLInputElement>(".player-transport .seek input")!;
    const clock = document.querySelector<HTMLOutputElement>('[data-testid="time"]')!;
    const fmt = (ms: number) => {
      const s = Math.max(0, Math.floor(ms / 1000));
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    };
    const out: { diffMs: number; clockAgrees: boolean; thumbMs: number }[] = [];
    for (let i = 0; i < frames; i++) {
      const frameTime = await new Promise<number>((r) => requestAnimationFrame(r));
      // Every callback of this frame (the player's too) and React's commit have run by now.
      await new Promise((r) => setTimeout(r, 0));
      const thumbMs = Number(slider.value);
      const shown = fmt(thumbMs);
      out.push({
        thumbMs,
        diffMs: thumbMs - player.songAt(frameTime),
        clockAgrees:
          clock.textContent!.startsWith(`${shown} /`) && slider.getAttribute("aria-valuetext") === shown,
      });
    }
    return out;
  }, frames);
}

/**
 * Plays every note in the page: shortly before each note is heard, dispatches its hit stamped with
 * the moment the note is heard plus `offsetMs` of real time.
 */
async function playAlong(
  page: Page,
  via: "keyboard" | "midi",
  offsetMs: number,
  rate = 1,
  range: [number, number] = [0, Number.MAX_SAFE_INTEGER],
): Promise<number> {
  return page.evaluate(
    async ({ via, offsetMs, codes, gm, rate, range }) => {
      while (!window.__beatsightPlayer) await new Promise((r) => setTimeout(r, 10));
      const player = window.__beatsightPlayer;
      const all = player.notes();
      const keep = all.times.map((t, i) => (t >= range[0] && t < range[1] ? i : -1)).filter((i) => i >= 0);
      const times = keep.map((i) => all.times[i]!);
      const lanes = keep.map((i) => all.lanes[i]!);
      const input = (window as unknown as { __mockMidiInput?: EventTarget }).__mockMidiInput;
      const sleep = () => new Promise((r) => setTimeout(r, 2));
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        // Sent a little ahead of the moment it is stamped with: a busy machine can then delay this
        // loop by a few frames without the player marking the note missed before the hit arrives.
        while (!(player.songNow() >= t - 150 * rate)) await sleep();
        const stamp = player.perfAtSong(t) + offsetMs;
        let event: Event;
        if (via === "keyboard") {
          event = new KeyboardEvent("keydown", { code: codes[lanes[i]!], bubbles: true, cancelable: true });
        } else {
          event = new Event("midimessage");
          Object.defineProperty(event, "data", { value: new Uint8Array([0x99, gm[lanes[i]!]!, 100]) });
        }
        Object.defineProperty(event, "timeStamp", { value: stamp });
        (via === "keyboard" ? window : input!).dispatchEvent(event);
      }
      return times.length;
    },
    { via, offsetMs, codes: LANE_CODES, gm: LANE_GM_NOTES, rate, range },
  );
}

test("a chart imported into the library plays with keyboard hits on time: 100 % perfect", async ({
  page,
}) => {
  await importAndOpen(page);
  const time = page.getByTestId("time");
  await expect(time).toContainText("0:00 /");
  // The hits wait in the page for the run to start, so a slow click cannot make them late.
  const along = playAlong(page, "keyboard", 0);
  await page.getByTestId("play").click();
  const notes = await along;
  expect(notes).toBe(chart.HitObjects.length);
  // The clock moved the highway: the scene layer was drawn every frame, the static one rarely.
  const counts = await page.evaluate(() => window.__beatsightPlayer!.renderCounts());
  expect(counts.scene).toBeGreaterThan(20);
  expect(counts.static).toBeLessThanOrEqual(3);

  const results = page.getByTestId("results");
  await expect(results).toBeVisible({ timeout: 30_000 });
  await expect(results.getByTestId("count-perfect")).toHaveText(String(notes));
  await expect(results.getByTestId("count-miss")).toHaveText("0");
  await expect(results.getByTestId("accuracy")).toHaveText("100.0 %");
  await expect(results.getByTestId("grade")).toHaveText("SS");

  // Results are kept on the device: a second run lists the first in its history.
  await results.getByRole("button", { name: "Play again" }).click();
  await page.getByTestId("play").click();
  await page.getByTestId("pause").waitFor();
  await page.getByRole("button", { name: "Finish and see results" }).click();
  await expect(page.getByTestId("history")).toContainText("100.0 %");
});

test("hits 40 ms late at half speed are judged great and late", async ({ page }) => {
  await importAndOpen(page);
  await page.getByRole("slider", { name: "Tempo" }).fill("50");
  await expect(page.getByTestId("rate")).toHaveText("50 %");
  const along = playAlong(page, "keyboard", 40, 0.5);
  await page.getByTestId("play").click();
  const notes = await along;
  const results = page.getByTestId("results");
  await expect(results).toBeVisible({ timeout: 40_000 });
  await expect(results.getByTestId("count-great")).toHaveText(String(notes));
  await expect(results.getByTestId("early-late")).toHaveText(`0 / ${notes}`);
  await expect(results).toContainText("50 % tempo");
});

test("a MIDI e-kit (mocked MIDIAccess) plays the chart through the GM note map", async ({ page }) => {
  await page.addInitScript(() => {
    const input = new EventTarget() as EventTarget & { id: string; name: string };
    input.id = "mock-1";
    input.name = "Mock Kit";
    (window as unknown as { __mockMidiInput: EventTarget }).__mockMidiInput = input;
    const access = Object.assign(new EventTarget(), {
      inputs: new Map([["mock-1", input]]),
      outputs: new Map(),
    });
    Object.defineProperty(navigator, "requestMIDIAccess", { value: async () => access });
  });
  await importAndOpen(page);
  await page.getByRole("button", { name: "Connect e-kit (MIDI)" }).click();
  await expect(page.getByTestId("midi-status")).toHaveText("Listening to Mock Kit");
  // Dynamics calibration for this kit: six soft, six normal, six hard strokes.
  await page.getByRole("button", { name: "Calibrate dynamics (ghosts and accents)" }).click();
  const calibration = page.getByTestId("dynamics-calibration");
  for (const [step, velocity] of [
    ["soft", 40],
    ["normal", 80],
    ["hard", 120],
  ] as const) {
    await expect(calibration).toContainText(`Play 6 ${step}`);
    await page.evaluate((velocity) => {
      const input = (window as unknown as { __mockMidiInput: EventTarget }).__mockMidiInput;
      for (let i = 0; i < 6; i++) {
        const event = new Event("midimessage");
        Object.defineProperty(event, "data", { value: new Uint8Array([0x99, 38, velocity]) });
        input.dispatchEvent(event);
      }
    }, velocity);
  }
  await expect(calibration).toHaveText("This kit: ghost below velocity 60, accent from 100.");
  const along = playAlong(page, "midi", -30);
  await page.getByTestId("play").click();
  const notes = await along;
  const results = page.getByTestId("results");
  await expect(results).toBeVisible({ timeout: 30_000 });
  await expect(results.getByTestId("count-great")).toHaveText(String(notes));
  await expect(results.getByTestId("early-late")).toHaveText(`${notes} / 0`);
  // Every stroke at velocity 100: the chart's two ghost notes were played too loud.
  await expect(results.getByTestId("dynamics")).toContainText("2 too loud");
});

/** A 16-bit mono WAV of `seconds` with a short tone burst every `everyS` seconds. */
function burstWav(seconds: number, everyS: number, freq: number): Buffer {
  const rate = 22_050;
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write("RIFF", 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write("WAVEfmt ", 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const inBurst = t % everyS < 0.04;
    buf.writeInt16LE(inBurst ? Math.round(12_000 * Math.sin(2 * Math.PI * freq * t)) : 0, 44 + i * 2);
  }
  return buf;
}

test("with stems: drums only at 75 % keeps the pitch (SoundTouch worklet) and stays in time", async ({
  page,
}) => {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-status")).toContainText("Imported");
  const href = await page.getByRole("link", { name: "Play Groove" }).getAttribute("href");
  const chartId = href!.split("/").pop()!;
  // Stems as the generate page saves them: two WAV blobs in the stems table.
  await page.evaluate(
    async ({ chartId, drums, acc }) => {
      const blob = (b64: string) =>
        new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: "audio/wav" });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open("beatsight");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction("stems", "readwrite");
        const d = blob(drums);
        const a = blob(acc);
        tx.objectStore("stems").put({
          chartId,
          sampleRate: 22_050,
          drums: d,
          accompaniment: a,
          bytes: d.size + a.size,
          createdAt: Date.now(),
        });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    {
      chartId,
      drums: burstWav(7, 0.25, 880).toString("base64"),
      acc: burstWav(7, 1, 220).toString("base64"),
    },
  );
  await page.getByRole("link", { name: "Play Groove" }).click();
  await expect(page.getByText("33 notes · stems")).toBeVisible();
  await page.getByLabel("Count-in").selectOption("0");
  await page.getByRole("radio", { name: "Drums only" }).check();
  await page.getByRole("slider", { name: "Tempo" }).fill("75");
  const along = playAlong(page, "keyboard", 0, 0.75);
  await page.getByTestId("play").click();
  await expect(page.getByTestId("pitch-note")).toHaveText("Pitch kept while slowed down or sped up.");
  const notes = await along;
  const results = page.getByTestId("results");
  await expect(results).toBeVisible({ timeout: 40_000 });
  await expect(results.getByTestId("count-perfect")).toHaveText(String(notes));
  await expect(results).toContainText("75 % tempo");
});

test("an A–B loop with a count-in and the speed trainer: a clean pass steps the tempo up", async ({
  page,
}) => {
  await importAndOpen(page);
  await page.getByLabel("Count-in").selectOption("4");
  const position = page.getByRole("slider", { name: "Position" });
  await position.fill("2500");
  await page.getByRole("button", { name: "Set A" }).click();
  await position.fill("4500");
  await page.getByRole("button", { name: "Set B" }).click();
  await expect(page.getByTestId("loop")).toHaveText("0:02–0:04");
  await page.getByRole("slider", { name: "Tempo" }).fill("70");
  await page.getByRole("checkbox", { name: /Speed trainer/ }).check();
  const along = playAlong(page, "keyboard", 0, 0.7, [2500, 4500]);
  await page.getByRole("button", { name: "Play loop" }).click();
  await along;
  await expect(page.getByTestId("trainer-log")).toContainText("Pass 1: clean pass: up to 75 %", {
    timeout: 20_000,
  });
  await expect(page.getByTestId("rate")).toHaveText("75 %");
  // No hits in the next pass: all missed, so the tempo drops back to the 70 % it started from.
  await expect(page.getByTestId("trainer-log")).toContainText("Pass 2:", { timeout: 20_000 });
  await expect(page.getByTestId("trainer-log")).toContainText("missed: back to 70 %");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Play loop" })).toBeVisible();
});

test("A/B set while playing: the loop plays at once, pass after pass, and Clear plays on", async ({
  page,
}) => {
  await importAndOpen(page);
  const loop = page.getByTestId("loop");
  await page.getByTestId("play").click();
  await page.waitForFunction(() => window.__beatsightPlayer!.songNow() > 2300);
  await page.getByRole("button", { name: "Set A" }).click();
  await expect(loop).toHaveText(/^A 0:0\d$/);
  await page.waitForFunction(() => window.__beatsightPlayer!.songNow() > 4300);
  await page.getByRole("button", { name: "Set B" }).click();
  await expect(loop).toHaveText(/^0:0\d–0:0\d$/);
  const a = Number(await loop.getAttribute("data-a"));
  const b = Number(await loop.getAttribute("data-b"));
  expect(b - a).toBeGreaterThanOrEqual(1000);
  // Still playing, and looping: the HUD counts passes and the song stays between A and B.
  await expect(page.getByTestId("pause")).toBeVisible();
  await expect(page.getByTestId("hud-pass")).toHaveText("2", { timeout: 10_000 });
  const positions = await page.evaluate(async () => {
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push(window.__beatsightPlayer!.songNow());
      await new Promise((r) => setTimeout(r, 50));
    }
    return seen;
  });
  for (const p of positions) {
    expect(p).toBeGreaterThanOrEqual(a - 50);
    expect(p).toBeLessThanOrEqual(b + 50);
  }
  // Clear while playing: the song goes on past B to its end, and the run finishes.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(loop).toHaveText("off");
  await page.waitForFunction((b) => window.__beatsightPlayer!.songNow() > b + 500, b);
  await expect(page.getByTestId("results")).toBeVisible({ timeout: 15_000 });
});

test("a loop by bars from the grid", async ({ page }) => {
  await importAndOpen(page);
  await page.getByLabel("From bar").fill("2");
  await page.getByLabel("to bar").fill("2");
  await page.getByRole("button", { name: "Loop bars" }).click();
  await expect(page.getByTestId("loop")).toHaveText("0:02–0:04");
  await expect(page.getByTestId("player-status")).toHaveText("Loop set on bar 2 (0:02–0:04).");
  await expect(page.getByRole("button", { name: "Play loop" })).toBeVisible();
});

test("seek thumb and clock agree with the audio clock within 50 ms, after keyboard seeks too; the count-in is shown", async ({
  page,
}) => {
  await importAndOpen(page, longBsmPath, "Long groove");
  await page.getByLabel("Count-in").selectOption("4");
  await page.getByTestId("play").click();
  const countIn = page.getByTestId("count-in");
  await expect(countIn).toBeVisible();
  await expect(countIn).toHaveText(/^[1-4]$/);
  await expect(countIn).toBeHidden({ timeout: 10_000 });
  await page.waitForFunction(() => window.__beatsightPlayer!.songNow() > 1000);

  const check = async () => {
    const samples = await seekBarAgainstAudio(page);
    for (const s of samples) {
      expect(Math.abs(s.diffMs)).toBeLessThanOrEqual(50);
      expect(s.clockAgrees).toBe(true);
    }
    // The thumb moves with the song.
    expect(samples.at(-1)!.thumbMs).toBeGreaterThan(samples[0]!.thumbMs);
    return samples.at(-1)!.thumbMs;
  };
  await check();

  // Keyboard seeking on the seek bar: 5 s on, at once.
  const slider = page.getByRole("slider", { name: "Position" });
  await slider.focus();
  const before = await page.evaluate(() => window.__beatsightPlayer!.songNow());
  await page.keyboard.press("ArrowRight");
  const jumped = Number(await slider.inputValue());
  expect(jumped - before).toBeGreaterThan(4500);
  expect(jumped - before).toBeLessThan(5800);
  const after = await check();
  expect(after).toBeGreaterThan(jumped);

  // ← anywhere on the page seeks back.
  await slider.blur();
  await page.keyboard.press("ArrowLeft");
  await expect.poll(async () => Number(await slider.inputValue())).toBeLessThan(after - 3000);
  await check();

  // Paused, the thumb and the clock rest where the song was heard.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("play")).toHaveText("Resume");
  const parked = Number(await slider.inputValue());
  await expect(page.getByTestId("time")).toContainText(
    `0:${String(Math.floor(parked / 1000)).padStart(2, "0")} /`,
  );
});

test("a kit profile folds the chart to the player's kit and is kept on the device", async ({ page }) => {
  await importAndOpen(page);
  await page.getByLabel("Toms").selectOption("1");
  await expect(page.getByTestId("kit-fold")).toHaveText("Folded to your kit: 4 notes moved, 0 left out.");
  await page.getByLabel("Double kick pedal").uncheck();
  await page.reload();
  await expect(page.getByLabel("Toms")).toHaveValue("1");
  await expect(page.getByLabel("Double kick pedal")).not.toBeChecked();
  await expect(page.getByTestId("kit-fold")).toContainText("4 notes moved");
});

test("the library deletes a chart after a confirmation", async ({ page }) => {
  await page.goto("/library");
  await page.getByLabel("Import a .bsm chart").setInputFiles(bsmPath);
  await expect(page.getByTestId("library-list")).toContainText("33 notes");
  await page.getByRole("button", { name: "Delete Groove" }).click();
  await expect(page.getByTestId("library-list")).toBeVisible();
  await page.getByRole("button", { name: "Confirm: delete Groove" }).click();
  await expect(page.getByTestId("library-status")).toHaveText("Deleted “Groove” from this device.");
  await expect(page.getByText("Your library is empty.")).toBeVisible();
});

test("lane keys can be rebound and the binding is kept", async ({ page }) => {
  await importAndOpen(page);
  await page.getByRole("button", { name: "Crash key: S. Change" }).click();
  await page.keyboard.press("KeyQ");
  await expect(page.getByRole("button", { name: "Crash key: Q. Change" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Crash key: Q. Change" })).toBeVisible();
});

test("the player is usable at 320 px wide without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await importAndOpen(page);
  await expect(page.getByTestId("highway")).toBeVisible();
  await expect(page.getByTestId("play")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("reduced motion follows the system setting until the player chooses, and is kept", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await importAndOpen(page);
  const reduce = page.getByLabel(/Reduce motion/);
  await expect(reduce).toBeChecked();
  await reduce.uncheck();
  await page.reload();
  await expect(page.getByLabel(/Reduce motion/)).not.toBeChecked();
});

test("an e-kit's pads are learned per kit and kept", async ({ page }) => {
  await page.addInitScript(() => {
    const input = new EventTarget() as EventTarget & { id: string; name: string };
    input.id = "mock-2";
    input.name = "Odd Module";
    (window as unknown as { __mockMidiInput: EventTarget }).__mockMidiInput = input;
    const access = Object.assign(new EventTarget(), {
      inputs: new Map([["mock-2", input]]),
      outputs: new Map(),
    });
    Object.defineProperty(navigator, "requestMIDIAccess", { value: async () => access });
  });
  const connect = async () => {
    await page.getByRole("button", { name: "Connect e-kit (MIDI)" }).click();
    await expect(page.getByTestId("midi-status")).toHaveText("Listening to Odd Module");
    await page.getByText("Pad mapping for this kit").click();
  };
  await importAndOpen(page);
  await connect();
  await page.getByRole("button", { name: "Learn the Crash pad" }).click();
  await expect(page.getByTestId("pad-status")).toHaveText("Hit the pad you want as Crash…");
  await page.evaluate(() => {
    const event = new Event("midimessage");
    Object.defineProperty(event, "data", { value: new Uint8Array([0x99, 60, 100]) });
    (window as unknown as { __mockMidiInput: EventTarget }).__mockMidiInput.dispatchEvent(event);
  });
  await expect(page.getByTestId("pad-status")).toHaveText("Crash: note 60 learned.");
  await expect(page.getByTestId("pad-0")).toContainText("60 (learned)");
  await page.reload();
  await connect();
  await expect(page.getByTestId("pad-0")).toContainText("60 (learned)");
  await page.getByRole("button", { name: "Reset to General MIDI" }).click();
  await expect(page.getByTestId("pad-0")).not.toContainText("learned");
});
