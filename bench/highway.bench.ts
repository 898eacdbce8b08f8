// Note-highway frame times in Chromium at 1920×1080 with a 3,000-note chart.
//   node --import tsx bench/highway.bench.ts            (needs `npx next build` first)
// Starts the production server, imports a dense generated chart through the library page, plays
// it with the highway stretched to 1920×1080, and prints: the scene layer's own draw time per frame
// (what the renderer costs), the interval between animation frames (what the user sees, which on a
// shared machine includes everyone else's load), how many notes each frame drew after culling, how
// often the static layer was redrawn, and the output latency the audio clock corrects for.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  COMPONENT_LANE,
  type Component,
  createBeatmap,
  type HitObject,
  serializeBeatmap,
} from "../lib/beatmap/index.ts";
import { type AppServer, startAppServer } from "../test/app-server.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3190);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** 16th hi-hats, kick and snare with ghosts, a crash every 4 bars: ~27 notes a bar at 160 BPM. */
function denseChart(targetNotes: number) {
  const bpm = 160;
  const beat = 60_000 / bpm;
  const notes: HitObject[] = [];
  const add = (ms: number, c: Component, v: number) =>
    notes.push({ Time: Math.round(ms * 1000) / 1000, Component: c, Lane: COMPONENT_LANE[c], Velocity: v });
  for (let bar = 0; notes.length < targetNotes; bar++) {
    const t0 = 1000 + bar * 4 * beat;
    for (let s = 0; s < 16; s++)
      add(t0 + (s * beat) / 4, s % 4 === 0 ? "hihat_open" : "hihat_closed", s % 2 ? 0.5 : 0.8);
    for (const b of [0, 1.5, 2, 2.75]) add(t0 + b * beat, "kick", 0.9);
    for (const b of [1, 3]) add(t0 + b * beat, "snare", 1);
    for (const b of [1.75, 3.25, 3.75]) add(t0 + b * beat, "snare", 0.25);
    if (bar % 4 === 0) add(t0, "crash", 1);
    if (bar % 8 === 7)
      for (let s = 8; s < 16; s++) add(t0 + (s * beat) / 4, s < 12 ? "tom_high" : "tom_floor", 0.8);
    if (bar % 2 === 1) add(t0 + 2 * beat, "ride_bell", 0.7);
  }
  notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  const end = notes.at(-1)!.Time + 2000;
  return createBeatmap({
    Metadata: { Title: "Bench", Artist: "bench/highway", Creator: "bench", Tags: [] },
    Audio: { Filename: "", Duration: end },
    Timing: { Bpm: bpm, Offset: 1000, TimeSignature: "4/4", TimingPoints: [] },
    HitObjects: notes,
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "beatsight-bench-"));
  const chart = denseChart(3000);
  const bsm = join(dir, "bench.bsm");
  writeFileSync(bsm, serializeBeatmap(chart));
  let server: AppServer | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    server = await startAppServer({ port: PORT });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // tsx keeps function names with a `__name` helper that the page does not have.
    await page.addInitScript("globalThis.__name = (f) => f");
    await page.goto(`${server.url}/library`);
    await page.getByLabel("Import a .bsm chart").setInputFiles(bsm);
    await page.getByRole("link", { name: "Play Bench" }).click();
    await page.getByTestId("play").waitFor();
    await page.getByLabel("Count-in").selectOption("0");
    await page.getByTestId("play").click();
    // Then the highway fills the whole viewport: the 1920×1080 the target is set for.
    await page.addStyleTag({
      content: ".highway{position:fixed!important;inset:0;height:100vh!important;z-index:50}",
    });
    const stats = await page.evaluate(async (seconds) => {
      const p = window.__beatsightPlayer!;
      const intervals: number[] = [];
      const drawn: number[] = [];
      let last = performance.now();
      const until = last + seconds * 1000;
      await new Promise<void>((done) => {
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          drawn.push(p.renderCounts().lastDrawn);
          if (now < until) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      return {
        intervals: intervals.slice(5),
        drawn,
        draws: p.drawTimes(),
        counts: p.renderCounts(),
        latency: p.outputLatency(),
        song: p.songNow(),
      };
    }, SECONDS);
    // The same page with the player paused: frame intervals with nothing drawn, i.e. what the
    // machine's own load costs. The difference to the run above is the highway's share.
    await page.keyboard.press("Escape");
    const idle = await page.evaluate(async (seconds) => {
      const intervals: number[] = [];
      let last = performance.now();
      const until = last + seconds * 1000;
      await new Promise<void>((done) => {
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          if (now < until) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      return intervals.slice(5);
    }, SECONDS / 2);
    const f = (x: number) => x.toFixed(2);
    console.log(
      `chart: ${chart.HitObjects.length} notes over ${(chart.Audio.Duration! / 1000).toFixed(0)} s, viewport 1920×1080`,
    );
    console.log(
      `played ${SECONDS} s (song at ${(stats.song / 1000).toFixed(1)} s), ${stats.intervals.length} frames`,
    );
    console.log(
      `scene draw ms: p50 ${f(pct(stats.draws, 50))} p95 ${f(pct(stats.draws, 95))} p99 ${f(pct(stats.draws, 99))} max ${f(Math.max(...stats.draws))}`,
    );
    console.log(
      `frame interval ms: p50 ${f(pct(stats.intervals, 50))} p95 ${f(pct(stats.intervals, 95))} p99 ${f(pct(stats.intervals, 99))}; ` +
        `${((100 * stats.intervals.filter((x) => x > 25).length) / stats.intervals.length).toFixed(1)} % of frames over 25 ms`,
    );
    console.log(
      `idle page, same machine, frame interval ms: p50 ${f(pct(idle, 50))} p95 ${f(pct(idle, 95))} p99 ${f(pct(idle, 99))}; ` +
        `${((100 * idle.filter((x) => x > 25).length) / idle.length).toFixed(1)} % of frames over 25 ms`,
    );
    console.log(
      `notes drawn per frame (after culling): p50 ${pct(stats.drawn, 50)} max ${Math.max(...stats.drawn)}`,
    );
    console.log(`static layer redraws: ${stats.counts.static} for ${stats.counts.scene} scene frames`);
    console.log(`audio output + base latency corrected for: ${(stats.latency * 1000).toFixed(1)} ms`);
  } finally {
    await browser.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
