// The note highway on two stacked canvases (after excalidraw's StaticCanvas / InteractiveCanvas):
// the static layer (lane backgrounds, hit line, key labels) is redrawn only when the layout or the
// key map changes; the scene layer (beat lines, notes, hit flashes) is redrawn once per frame and
// draws only what is on screen, found by binary search over the sorted note times.
import { LANE_COUNT, LANE_LABELS, LANE_NAMES, type Lane } from "@/lib/beatmap/lanes.ts";
import {
  type GridLine,
  type HighwayLayout,
  lowerBound,
  noteShape,
  noteY,
  visibleNotes,
  visibleRange,
} from "@/lib/practice/highway.ts";
import { NOTE_PENDING, NOTE_SKIPPED, STATUS_OF } from "@/lib/practice/judge.ts";
import type { Flash } from "@/lib/practice/session.ts";

export interface HighwayScene {
  times: Float64Array;
  lanes: Uint8Array;
  velocities: Float32Array;
  /** Judge status per note (lib/practice/judge.ts). */
  status: Uint8Array;
  grid: GridLine[];
  gridTimes: Float64Array;
}

export interface HighwayLabels {
  /** Key label under each lane. */
  keys: string[];
}

const FLASH_MS = 220;
const JUDGMENT_COLOR: Record<string, string> = {
  perfect: "#7cf0ff",
  great: "#3ecf8e",
  good: "#ffb020",
  miss: "#ff6b6b",
  stray: "#a3aab8",
};

/** Lane colours from the app's CSS variables (--lane-crash …), read once per theme. */
export function laneColors(root: Element = document.documentElement): string[] {
  const style = getComputedStyle(root);
  return LANE_NAMES.map((name) => style.getPropertyValue(`--lane-${name}`).trim() || "#888");
}

export class HighwayRenderer {
  private readonly staticCtx: CanvasRenderingContext2D;
  private readonly sceneCtx: CanvasRenderingContext2D;
  private layout: HighwayLayout = { width: 0, height: 0, hitY: 0, leadMs: 1500, rate: 1 };
  private dpr = 1;
  private colors: string[] = new Array(LANE_COUNT).fill("#888");
  private labels: HighwayLabels = { keys: new Array(LANE_COUNT).fill("") };
  private scene: HighwayScene | null = null;
  private staticDirty = true;
  private reduceMotion = false;
  /** How often each layer was drawn (tests and the benchmark read these). */
  readonly counts = { static: 0, scene: 0 };
  /** Notes drawn in the last frame. */
  lastDrawn = 0;
  /** Scene-layer draw times, ms (the last 2,000 frames; the benchmark reads them). */
  readonly drawTimes: number[] = [];

  constructor(
    private readonly staticCanvas: HTMLCanvasElement,
    private readonly sceneCanvas: HTMLCanvasElement,
  ) {
    const a = staticCanvas.getContext("2d");
    const b = sceneCanvas.getContext("2d");
    if (!a || !b) throw new Error("This browser cannot draw on a canvas; the note highway needs one.");
    this.staticCtx = a;
    this.sceneCtx = b;
  }

  setColors(colors: string[]): void {
    this.colors = colors;
    this.staticDirty = true;
  }

  /** Reduced motion: hit flashes show as a steady mark for their time instead of fading out. */
  setReducedMotion(on: boolean): void {
    this.reduceMotion = on;
  }

  setLabels(labels: HighwayLabels): void {
    if (labels.keys.join("\u0000") === this.labels.keys.join("\u0000")) return;
    this.labels = labels;
    this.staticDirty = true;
  }

  setScene(scene: HighwayScene): void {
    this.scene = scene;
  }

  /** Size in CSS px; scroll speed (lead ms) and rate. Redraws the static layer only on a change. */
  setLayout(width: number, height: number, dpr: number, leadMs: number, rate: number): void {
    const hitY = Math.round(height * 0.86);
    const l = this.layout;
    if (
      l.width === width &&
      l.height === height &&
      this.dpr === dpr &&
      l.leadMs === leadMs &&
      l.rate === rate
    )
      return;
    const sized = l.width !== width || l.height !== height || this.dpr !== dpr;
    this.layout = { width, height, hitY, leadMs, rate };
    this.dpr = dpr;
    if (sized) {
      for (const c of [this.staticCanvas, this.sceneCanvas]) {
        c.width = Math.max(1, Math.round(width * dpr));
        c.height = Math.max(1, Math.round(height * dpr));
      }
      this.staticDirty = true;
    }
  }

  get currentLayout(): HighwayLayout {
    return this.layout;
  }

  /** The lane under x (CSS px), for touch input. */
  laneAt(x: number): number {
    const w = this.layout.width / LANE_COUNT;
    return Math.min(LANE_COUNT - 1, Math.max(0, Math.floor(x / w)));
  }

  /** Draws a frame at song time `songMs`; `now` is performance.now() (flash fading only). */
  draw(songMs: number, flashes: readonly (Flash | null)[], now: number): void {
    const t0 = performance.now();
    if (this.staticDirty) this.drawStatic();
    this.drawScene(songMs, flashes, now);
    if (this.drawTimes.push(performance.now() - t0) > 2000) this.drawTimes.shift();
  }

  private drawStatic(): void {
    this.staticDirty = false;
    this.counts.static++;
    const { width, height, hitY } = this.layout;
    const g = this.staticCtx;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.fillStyle = "#0b0d11";
    g.fillRect(0, 0, width, height);
    const w = width / LANE_COUNT;
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      const x = lane * w;
      g.globalAlpha = 0.08;
      g.fillStyle = this.colors[lane]!;
      g.fillRect(x, 0, w, height);
      g.globalAlpha = 1;
      g.fillStyle = "#1f232c";
      g.fillRect(Math.round(x), 0, 1, height);
      // Target pad on the hit line.
      g.strokeStyle = this.colors[lane]!;
      g.lineWidth = 2;
      g.strokeRect(x + 4, hitY - 9, w - 8, 18);
      g.fillStyle = "#e8eaef";
      g.font = `600 ${Math.max(10, Math.min(14, w / 6))}px system-ui, sans-serif`;
      g.textAlign = "center";
      g.textBaseline = "top";
      g.fillText(this.labels.keys[lane] ?? "", x + w / 2, hitY + 16);
      g.fillStyle = "#a3aab8";
      g.font = `${Math.max(9, Math.min(12, w / 7))}px system-ui, sans-serif`;
      g.fillText(LANE_LABELS[lane as Lane], x + w / 2, hitY + 34);
    }
    g.fillStyle = "#e8eaef";
    g.fillRect(0, hitY - 1, width, 2);
  }

  private drawScene(songMs: number, flashes: readonly (Flash | null)[], now: number): void {
    this.counts.scene++;
    const { width, height, hitY } = this.layout;
    const g = this.sceneCtx;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const scene = this.scene;
    if (!scene) return;
    const w = width / LANE_COUNT;

    // Beat and measure lines.
    const { fromMs, toMs } = visibleRange(this.layout, songMs, 2);
    const g0 = lowerBound(scene.gridTimes, fromMs);
    const g1 = lowerBound(scene.gridTimes, toMs);
    for (let i = g0; i < g1; i++) {
      const line = scene.grid[i]!;
      const y = noteY(this.layout, line.ms, songMs);
      if (y > hitY) continue;
      g.fillStyle = line.downbeat ? "rgba(232,234,239,0.45)" : "rgba(232,234,239,0.14)";
      g.fillRect(0, Math.round(y), width, line.downbeat ? 2 : 1);
    }

    // Notes: only the visible index range.
    const { start, end } = visibleNotes(scene.times, this.layout, songMs);
    const baseH = Math.max(8, Math.min(18, height / 60));
    let drawn = 0;
    for (let i = start; i < end; i++) {
      const status = scene.status[i]!;
      if (status === STATUS_OF.perfect || status === STATUS_OF.great || status === STATUS_OF.good) continue;
      const lane = scene.lanes[i]!;
      const shape = noteShape(scene.velocities[i]!);
      const h = baseH * shape.heightScale;
      const nw = (w - 10) * shape.widthScale;
      const x = lane * w + (w - nw) / 2;
      const y = noteY(this.layout, scene.times[i]!, songMs) - h / 2;
      const missed = status === STATUS_OF.miss;
      const skipped = status === NOTE_SKIPPED;
      g.globalAlpha = missed || skipped ? 0.25 : shape.alpha;
      g.fillStyle = missed ? "#5a5f6b" : this.colors[lane]!;
      if (scene.velocities[i]! < 0.4 && status === NOTE_PENDING) {
        // Ghost note: hollow, so it reads as "soft" at a glance.
        g.strokeStyle = this.colors[lane]!;
        g.lineWidth = 2;
        g.strokeRect(x + 1, y + 1, nw - 2, h - 2);
      } else {
        g.fillRect(x, y, nw, h);
        if (scene.velocities[i]! >= 0.85 && !missed) {
          g.globalAlpha = 1;
          g.fillStyle = "#ffffff";
          g.fillRect(x, y, nw, 2);
        }
      }
      drawn++;
    }
    g.globalAlpha = 1;
    this.lastDrawn = drawn;

    // Hit flashes on the pads, coloured by judgment, with early/late marks.
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      const f = flashes[lane];
      if (!f) continue;
      const age = now - f.at;
      if (age < 0 || age > FLASH_MS) continue;
      g.globalAlpha = this.reduceMotion ? 1 : 1 - age / FLASH_MS;
      g.fillStyle = JUDGMENT_COLOR[f.judgment] ?? "#fff";
      g.fillRect(lane * w + 4, hitY - 9, w - 8, 18);
      if (f.judgment !== "perfect" && f.judgment !== "stray" && Number.isFinite(f.errorMs)) {
        g.fillStyle = "#0b0d11";
        g.font = "700 11px system-ui, sans-serif";
        g.textAlign = "center";
        g.textBaseline = "middle";
        g.fillText(f.errorMs < 0 ? "EARLY" : "LATE", lane * w + w / 2, hitY);
      }
    }
    g.globalAlpha = 1;
  }
}
