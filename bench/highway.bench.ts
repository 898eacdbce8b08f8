// Note-highway frame times in Chromium with a 3,000-note chart (issue 8 and issue 31: 60 fps).
//   npm run bench highway                      the renderer alone on a page that mounts it (no build)
//   BENCH_MODE=app npm run bench highway       the whole player (needs `npx next build` first)
//   BENCH_SHOTS=dir npm run bench highway      also saves frames at 1280×800 and 390×844 (renderer page)
//   BENCH_VIEWPORT=390x844@3 npm run bench highway   another viewport and device pixel ratio (renderer page)
//   BENCH_BEFORE=<git ref> npm run bench highway   first runs the renderer of that commit on the same
//                                              page, so before and after share the machine's load
// Renderer page: bundles bench/support/highway-page.ts (the player's HighwayRenderer, the dense
// chart, a simulated drummer who hits most notes and misses some) and plays it at 1920×1080
// (or BENCH_VIEWPORT).
// App: starts the production server, imports the chart through the library page and plays it with
// the highway stretched to 1920×1080 (no hits: the run is silent).
// Both print, against the 16.7 ms budget of a 60 Hz frame: the scene layer's own draw time (what
// the renderer costs in JavaScript) and the interval between animation frames (what the user sees,
// which on a shared machine includes everyone else's load), the same page idle as the machine's
// baseline, how many notes each frame looked at after culling, and static-layer redraws.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path, { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { serializeBeatmap } from "../lib/beatmap/index.ts";
import { type AppServer, startAppServer } from "../test/app-server.ts";
import { denseChart } from "./support/highway-chart.ts";

const MODE = process.env.BENCH_MODE === "app" ? "app" : "renderer";
const PORT = Number(process.env.BENCH_PORT ?? 3190);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = process.env.BENCH_SHOTS;
const BEFORE = process.env.BENCH_BEFORE;
const BUDGET_MS = 1000 / 60;
const [, VW = "1920", VH = "1080", VDPR = "1"] =
  /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(process.env.BENCH_VIEWPORT ?? "1920x1080") ?? [];
/** The renderer page's viewport (the app mode keeps 1920×1080, the target's size). */
const VIEWPORT = { width: Number(VW), height: Number(VH), dpr: Number(VDPR) };
const ROOT = path.join(import.meta.dirname, "..");

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

/** "p50 0.20 ms (0.012×) · p95 …": each figure and its share of the 16.7 ms frame budget. */
function budgetLine(xs: readonly number[]): string {
  return [50, 95, 99]
    .map((p) => {
      const v = pct(xs, p);
      return `p${p} ${v.toFixed(2)} ms (${(v / BUDGET_MS).toFixed(3)}× budget)`;
    })
    .join(" · ");
}

const over = (xs: readonly number[], ms: number) =>
  `${((100 * xs.filter((x) => x > ms).length) / Math.max(1, xs.length)).toFixed(1)} % over ${ms} ms`;

/** rAF intervals for `seconds` on a page that draws nothing itself: the machine's baseline. */
function idleIntervals(page: Page, seconds: number): Promise<number[]> {
  return page.evaluate(async (seconds) => {
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
  }, seconds);
}

/** CPU time all of Chromium's processes have used so far (ms): renderer, GPU/compositor, browser. */
async function chromiumCpuMs(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
    return 1000 * processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
  } finally {
    await cdp.detach();
  }
}

function report(r: {
  notes: number;
  seconds: number;
  draws: number[];
  intervals: number[];
  idle: number[];
  visited: number[];
  counts: { static: number; scene: number };
  /** Chromium's CPU ms per frame while playing and idle, when measured. */
  cpu?: { play: number; idle: number };
}): void {
  const fps = (1000 * r.intervals.length) / r.intervals.reduce((a, b) => a + b, 0);
  const v = MODE === "app" ? { width: 1920, height: 1080, dpr: 1 } : VIEWPORT;
  console.log(
    `chart: ${r.notes} notes, viewport ${v.width}×${v.height} at ${v.dpr}× pixels, ${r.seconds} s played, mode ${MODE}`,
  );
  console.log(`scene draw (JS) per frame: ${budgetLine(r.draws)}; max ${Math.max(...r.draws).toFixed(2)} ms`);
  console.log(
    `frame interval while playing: ${budgetLine(r.intervals)}; ${over(r.intervals, 25)}; ${r.intervals.length} frames ≈ ${fps.toFixed(1)} fps`,
  );
  console.log(`frame interval, same page idle: ${budgetLine(r.idle)}; ${over(r.idle, 25)}`);
  if (r.cpu)
    console.log(
      `Chromium CPU per frame, all processes (less sensitive to the machine's load than the intervals): ` +
        `playing ${r.cpu.play.toFixed(2)} ms (${(r.cpu.play / BUDGET_MS).toFixed(3)}× budget), idle ${r.cpu.idle.toFixed(2)} ms`,
    );
  console.log(
    `notes looked at per frame (after culling, of ${r.notes}): p50 ${pct(r.visited, 50)} max ${Math.max(...r.visited)}`,
  );
  console.log(`static layer redraws: ${r.counts.static} for ${r.counts.scene} scene frames`);
}

/**
 * Serves the renderer page. With `ref`, the renderer (and the geometry module it imports) come
 * from that commit: the same page and chart, the renderer of then.
 */
async function rendererPage(dir: string, ref?: string): Promise<{ url: string; close: () => void }> {
  const out = path.join(dir, ref ? "before" : "now");
  mkdirSync(out, { recursive: true });
  const renderer = path.join(ROOT, "app/_components/play/highway-renderer.ts");
  const geometry = path.join(ROOT, "lib/practice/highway.ts");
  const fromRef: Plugin = {
    name: "from-ref",
    setup(b) {
      b.onResolve({ filter: /highway-renderer\.ts$/ }, () => ({ path: renderer, namespace: "ref" }));
      b.onResolve({ filter: /practice\/highway\.ts$/ }, (a) =>
        a.namespace === "ref" ? { path: geometry, namespace: "ref" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "ref" }, (a) => ({
        contents: execFileSync("git", ["show", `${ref}:${path.relative(ROOT, a.path)}`], {
          cwd: ROOT,
          encoding: "utf8",
        }).replaceAll('"@/', `"${ROOT}/`),
        loader: "ts",
        resolveDir: path.dirname(a.path),
      }));
    },
  };
  await build({
    entryPoints: [path.join(import.meta.dirname, "support", "highway-page.ts")],
    bundle: true,
    format: "esm",
    outfile: path.join(out, "page.js"),
    tsconfig: path.join(ROOT, "tsconfig.json"),
    plugins: ref ? [fromRef] : [],
    logLevel: "error",
  });
  dir = out;
  // The app's lane colours (both palettes) and the highway's box, as the player has them.
  const css = readFileSync(path.join(import.meta.dirname, "..", "app", "globals.css"), "utf8");
  const vars = [...css.matchAll(/(:root|\[data-palette="colour-blind"\]) \{[^}]*\}/g)]
    .map((m) => m[0])
    .join("\n");
  writeFileSync(
    path.join(dir, "index.html"),
    `<!doctype html><style>${vars}
body{margin:0;background:#0b0d11}
.highway{position:fixed;inset:0}
.highway-layer{position:absolute;inset:0;width:100%;height:100%}</style>
<script type="module" src="/page.js"></script>`,
  );
  const server = createServer((req, res) => {
    const file = path.join(dir, req.url === "/page.js" ? "page.js" : "index.html");
    res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    close: () => server.close(),
  };
}

type RunOptions = {
  seconds: number;
  fromMs: number;
  approachMs: number;
  laneOrder: string;
  lefty: boolean;
  freezeAtMs?: number;
};
type RunResult = {
  notes: number;
  intervals: number[];
  draws: number[];
  visited: number[];
  counts: { static: number; scene: number };
};

function highwayRun(page: Page, o: RunOptions): Promise<RunResult> {
  return page.evaluate(
    (o) => (globalThis as unknown as { highwayRun: (o: unknown) => Promise<RunResult> }).highwayRun(o),
    o,
  );
}

/** The standard run on the renderer page, then the same page idle, with Chromium's CPU per frame. */
async function measuredRun(browser: Browser, page: Page) {
  const cpu0 = await chromiumCpuMs(browser);
  const run = await highwayRun(page, {
    seconds: SECONDS,
    fromMs: 0,
    approachMs: 1500,
    laneOrder: "standard",
    lefty: false,
  });
  const cpu1 = await chromiumCpuMs(browser);
  const idle = await idleIntervals(page, SECONDS / 2);
  const cpu2 = await chromiumCpuMs(browser);
  return {
    ...run,
    seconds: SECONDS,
    idle,
    cpu: { play: (cpu1 - cpu0) / (run.intervals.length + 5), idle: (cpu2 - cpu1) / (idle.length + 5) },
  };
}

async function runRenderer(browser: Browser, dir: string): Promise<void> {
  if (BEFORE) {
    const before = await rendererPage(dir, BEFORE);
    try {
      const page = await browser.newPage({
        viewport: { width: VIEWPORT.width, height: VIEWPORT.height },
        deviceScaleFactor: VIEWPORT.dpr,
      });
      await page.addInitScript("globalThis.__name = (f) => f");
      await page.goto(before.url);
      await page.waitForFunction(() => "highwayRun" in globalThis);
      console.log(`── before: the renderer at ${BEFORE}`);
      report(await measuredRun(browser, page));
      await page.close();
    } finally {
      before.close();
    }
    console.log("── now: this checkout's renderer");
  }
  const served = await rendererPage(dir);
  try {
    const page = await browser.newPage({
      viewport: { width: VIEWPORT.width, height: VIEWPORT.height },
      deviceScaleFactor: VIEWPORT.dpr,
    });
    // tsx keeps function names with a `__name` helper that the page does not have.
    await page.addInitScript("globalThis.__name = (f) => f");
    await page.goto(served.url);
    await page.waitForFunction(() => "highwayRun" in globalThis);
    report(await measuredRun(browser, page));
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      for (const [w, h, dpr] of [
        [1280, 800, 1],
        [390, 844, 3],
      ] as const) {
        const shot = await browser.newPage({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
        await shot.addInitScript("globalThis.__name = (f) => f");
        await shot.goto(served.url);
        await shot.waitForFunction(() => "highwayRun" in globalThis);
        for (const [name, o] of [
          ["standard", { laneOrder: "standard", lefty: false }],
          ["kit-lefty", { laneOrder: "kit", lefty: true }],
        ] as const) {
          // Freeze a little after a crash with hits and a miss on screen.
          await highwayRun(shot, { seconds: 30, fromMs: 28_000, approachMs: 1500, freezeAtMs: 31_800, ...o });
          const file = join(SHOTS, `highway-${w}x${h}-${name}.png`);
          await shot.screenshot({ path: file });
          console.log(`saved ${file}`);
        }
        await shot.close();
      }
    }
  } finally {
    served.close();
  }
}

async function runApp(browser: Browser, dir: string): Promise<void> {
  const chart = denseChart(3000);
  const bsm = join(dir, "bench.bsm");
  writeFileSync(bsm, serializeBeatmap(chart));
  let server: AppServer | undefined;
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
    // (Through the element's style: the app's CSP refuses an injected style sheet.)
    await page.evaluate(() => {
      const h = document.querySelector<HTMLElement>(".highway")!;
      Object.assign(h.style, { position: "fixed", inset: "0", height: "100vh", zIndex: "50" });
    });
    const cpu0 = await chromiumCpuMs(browser);
    const stats = await page.evaluate(async (seconds) => {
      const p = window.__beatsightPlayer!;
      const intervals: number[] = [];
      const visited: number[] = [];
      let last = performance.now();
      const until = last + seconds * 1000;
      await new Promise<void>((done) => {
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          visited.push(p.renderCounts().lastDrawn);
          if (now < until) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      return { intervals: intervals.slice(5), visited, draws: p.drawTimes(), counts: p.renderCounts() };
    }, SECONDS);
    // The same page with the player paused: frame intervals with nothing drawn.
    await page.keyboard.press("Escape");
    const cpu1 = await chromiumCpuMs(browser);
    const idle = await idleIntervals(page, SECONDS / 2);
    const cpu2 = await chromiumCpuMs(browser);
    const cpu = {
      play: (cpu1 - cpu0) / (stats.intervals.length + 5),
      idle: (cpu2 - cpu1) / (idle.length + 5),
    };
    report({ notes: chart.HitObjects.length, seconds: SECONDS, idle, cpu, ...stats });
  } finally {
    await server?.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "beatsight-bench-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    console.log(`${await browser.version()}, budget ${BUDGET_MS.toFixed(1)} ms a frame (60 Hz)`);
    if (MODE === "app") await runApp(browser, dir);
    else await runRenderer(browser, dir);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
