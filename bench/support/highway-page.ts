// Runs in Chromium (bundled by bench/highway.bench.ts): mounts the player's HighwayRenderer on two
// canvases filling the page, with the dense bench chart, and plays it frame after frame from
// performance.now() while a simulated drummer hits most notes (perfect, great or good, early or
// late) and misses some, so every part of a frame is drawn: grid, notes, bursts, miss marks.

import { HighwayRenderer, laneColors } from "../../app/_components/play/highway-renderer.ts";
import { LANE_COUNT } from "../../lib/beatmap/lanes.ts";
import { gridLines, type LaneOrder, laneColumns } from "../../lib/practice/highway.ts";
import { STATUS_OF } from "../../lib/practice/judge.ts";
import { type Flash, prepareChart } from "../../lib/practice/session.ts";
import { denseChart } from "./highway-chart.ts";

interface RunOptions {
  seconds: number;
  fromMs: number;
  approachMs: number;
  laneOrder: LaneOrder;
  lefty: boolean;
  /** Stop at this song time and leave the frame on screen (screenshots). */
  freezeAtMs?: number;
}

const chart = prepareChart(denseChart(3000));
const grid = gridLines(chart.tempo, 0, chart.endMs + 10_000);
const status = new Uint8Array(chart.times.length);
const scene = {
  times: chart.times,
  lanes: chart.lanes,
  velocities: chart.velocities,
  components: chart.components,
  status,
  grid,
  gridTimes: Float64Array.from(grid, (g) => g.ms),
};

const box = document.createElement("div");
box.className = "highway";
const [a, b] = [document.createElement("canvas"), document.createElement("canvas")];
for (const c of [a, b]) c.className = "highway-layer";
box.append(a, b);
document.body.append(box);
const renderer = new HighwayRenderer(a, b);
renderer.setColors(laneColors(box));
renderer.setLabels({ keys: ["S", "D", "F", "Space", "J", "K", "L"] });
renderer.setScene(scene);

/** The simulated drummer's take on note i: 12 % missed, the rest hit, up to ±80 ms off. */
function take(i: number): { miss: boolean; errorMs: number } {
  const r = Math.sin(i * 12.9898) * 43758.5453;
  const f = r - Math.floor(r);
  return { miss: f < 0.12, errorMs: (f - 0.56) * 180 };
}

function judgmentOf(errorMs: number): "perfect" | "great" | "good" {
  const e = Math.abs(errorMs);
  return e <= 25 ? "perfect" : e <= 50 ? "great" : "good";
}

async function highwayRun(o: RunOptions) {
  // A renderer from before lane orders (BENCH_BEFORE) has no options.
  if ("setOptions" in renderer)
    renderer.setOptions({ columns: laneColumns(o.laneOrder, o.lefty), barNumbers: true });
  renderer.setLayout(box.clientWidth, box.clientHeight, window.devicePixelRatio || 1, o.approachMs, 1);
  status.fill(0);
  const flashes: (Flash | null)[] = new Array(LANE_COUNT).fill(null);
  renderer.drawTimes.length = 0;
  const intervals: number[] = [];
  const visited: number[] = [];
  const drawn: number[] = [];
  let next = 0;
  const missing: number[] = [];
  const start = performance.now();
  let last = start;
  const songAt = (now: number) =>
    o.freezeAtMs !== undefined ? Math.min(o.freezeAtMs, o.fromMs + (now - start)) : o.fromMs + (now - start);
  while (next < chart.times.length && chart.times[next]! < o.fromMs - 200) status[next++] = STATUS_OF.perfect;
  await new Promise<void>((done) => {
    const frame = (now: number) => {
      const song = songAt(now);
      // Judge what the playhead passed: hits burst when their note crosses the line, misses when
      // the good window (90 ms) closes.
      while (next < chart.times.length && chart.times[next]! <= song) {
        const t = take(next);
        if (t.miss) missing.push(next);
        else {
          const judgment = judgmentOf(t.errorMs);
          status[next] = STATUS_OF[judgment];
          flashes[chart.lanes[next]!] = { lane: chart.lanes[next]!, judgment, errorMs: t.errorMs, at: now };
        }
        next++;
      }
      while (missing.length && chart.times[missing[0]!]! + 90 <= song)
        status[missing.shift()!] = STATUS_OF.miss;
      renderer.draw(song, flashes, now);
      intervals.push(now - last);
      last = now;
      // A renderer from before (BENCH_BEFORE) counts only the notes it drew.
      visited.push((renderer as { lastVisited?: number }).lastVisited ?? renderer.lastDrawn);
      drawn.push(renderer.lastDrawn);
      if (now - start < o.seconds * 1000 && !(o.freezeAtMs !== undefined && song >= o.freezeAtMs)) {
        requestAnimationFrame(frame);
      } else done();
    };
    requestAnimationFrame(frame);
  });
  return {
    notes: chart.times.length,
    intervals: intervals.slice(5),
    draws: renderer.drawTimes.slice(5),
    visited,
    drawn,
    counts: { ...renderer.counts },
  };
}

Object.assign(globalThis, { highwayRun });
