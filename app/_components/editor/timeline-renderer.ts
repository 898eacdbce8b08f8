// The editor timeline on two stacked canvases (after excalidraw's StaticCanvas / InteractiveCanvas):
// the static layer (waveform, lane rows, grid with bar handles, doubtful grid spans, notes, comment
// markers) is redrawn only when the
// scene or the view changes; the interactive layer (playhead, selection, hover, drag preview, box)
// is cheap and redrawn when any of those move. Both are drawn at most once per animation frame and
// only what is on screen (notes found by binary search over their sorted times).

import { barNumberAt, type GridSection } from "@/lib/beatmap/grid-sections.ts";
import { LANE_COUNT, LANE_LABELS, LANE_NAMES, type Lane } from "@/lib/beatmap/lanes.ts";
import type { TempoMap } from "@/lib/beatmap/tempo.ts";
import type { EditorNote } from "@/lib/editor/document.ts";
import { noteMarks } from "@/lib/editor/note-marks.ts";
import { isUnsure } from "@/lib/editor/selection.ts";
import { type GridLine, gridBetween, type SnapDivisor } from "@/lib/editor/snap.ts";
import {
  endMsOf,
  laneHeight,
  laneY,
  msToX,
  noteRadius,
  type Viewport,
  visibleRange,
} from "@/lib/editor/viewport.ts";
import { type Peaks, peakBetween } from "@/lib/editor/waveform.ts";

export interface TimelineScene {
  notes: readonly EditorNote[];
  tempo: TempoMap;
  divisor: SnapDivisor;
  peaks: Peaks | null;
  /** Comment markers (ms) on the ruler. */
  markers: readonly number[];
  endMs: number;
  /** Where the generator doubted the grid (lib/beatmap/grid-sections.ts): shaded, "check the tempo". */
  lowGrid: readonly { startMs: number; endMs: number }[];
  /** The tempo sections (for bar numbers). */
  sections: readonly GridSection[];
}

export interface TimelineOverlay {
  playheadMs: number;
  selection: ReadonlySet<number>;
  hoverId: number | null;
  /** Selected notes drawn shifted while dragging. */
  preview: { deltaMs: number; deltaLanes: number } | null;
  box: { x0: number; y0: number; x1: number; y1: number } | null;
  /** A bar line being dragged on the ruler, from where it is to where it would land. */
  barDrag: { fromMs: number; toMs: number } | null;
}

export interface TimelineColors {
  lanes: string[];
  text: string;
  muted: string;
  accent: string;
  surface: string;
  surface2: string;
  focus: string;
}

export function readColors(root: Element): TimelineColors {
  const s = getComputedStyle(root);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    lanes: LANE_NAMES.map((n) => v(`--lane-${n}`, "#888")),
    text: v("--text", "#e8eaef"),
    muted: v("--muted", "#a3aab8"),
    accent: v("--accent", "#ffb020"),
    surface: v("--surface", "#171a21"),
    surface2: v("--surface-2", "#1f232c"),
    focus: v("--focus", "#7cc4ff"),
  };
}

const formatRulerTime = (ms: number) => {
  const s = Math.max(0, ms / 1000);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;
};

export class TimelineRenderer {
  private readonly staticCtx: CanvasRenderingContext2D;
  private readonly liveCtx: CanvasRenderingContext2D;
  private vp: Viewport = { startMs: 0, pxPerMs: 0.2, width: 0, height: 0, rulerHeight: 24 };
  private dpr = 1;
  private scene: TimelineScene | null = null;
  private overlay: TimelineOverlay = {
    playheadMs: 0,
    selection: new Set(),
    hoverId: null,
    preview: null,
    box: null,
    barDrag: null,
  };
  private colors: TimelineColors | null = null;
  private staticDirty = true;
  private liveDirty = true;
  private frame: number | null = null;
  /** How often each layer was drawn (e2e tests read these through the editor's test hook). */
  readonly counts = { static: 0, live: 0 };

  constructor(
    private readonly staticCanvas: HTMLCanvasElement,
    private readonly liveCanvas: HTMLCanvasElement,
  ) {
    const a = staticCanvas.getContext("2d");
    const b = liveCanvas.getContext("2d");
    if (!a || !b) throw new Error("This browser cannot draw on a canvas; the editor's timeline needs one.");
    this.staticCtx = a;
    this.liveCtx = b;
  }

  get viewport(): Viewport {
    return this.vp;
  }

  setViewport(vp: Viewport, dpr: number): void {
    const resized = vp.width !== this.vp.width || vp.height !== this.vp.height || dpr !== this.dpr;
    if (resized) {
      for (const c of [this.staticCanvas, this.liveCanvas]) {
        c.width = Math.max(1, Math.round(vp.width * dpr));
        c.height = Math.max(1, Math.round(vp.height * dpr));
      }
    }
    const moved = resized || vp.startMs !== this.vp.startMs || vp.pxPerMs !== this.vp.pxPerMs;
    this.vp = vp;
    this.dpr = dpr;
    if (moved) this.invalidate(true);
  }

  setColors(colors: TimelineColors): void {
    this.colors = colors;
    this.invalidate(true);
  }

  setScene(scene: TimelineScene): void {
    this.scene = scene;
    this.invalidate(true);
  }

  setOverlay(overlay: TimelineOverlay): void {
    this.overlay = overlay;
    this.invalidate(false);
  }

  /** Schedules a draw on the next frame; several changes in one frame draw once. */
  private invalidate(staticToo: boolean): void {
    if (staticToo) this.staticDirty = true;
    this.liveDirty = true;
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  dispose(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  /** Draws now what is dirty (the frame callback; tests may call it directly). */
  draw(): void {
    if (!this.scene || !this.colors || this.vp.width === 0) return;
    if (this.staticDirty) {
      this.staticDirty = false;
      this.counts.static++;
      this.drawStatic(this.scene, this.colors);
    }
    if (this.liveDirty) {
      this.liveDirty = false;
      this.counts.live++;
      this.drawLive(this.scene, this.colors);
    }
  }

  private drawStatic(scene: TimelineScene, colors: TimelineColors): void {
    const ctx = this.staticCtx;
    const vp = this.vp;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, vp.width, vp.height);
    const lh = laneHeight(vp);
    // Lane rows, alternating shade, with the lane colour as a thin strip on the left.
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      const y = vp.rulerHeight + lane * lh;
      ctx.fillStyle = lane % 2 === 0 ? colors.surface : colors.surface2;
      ctx.fillRect(0, y, vp.width, lh);
      ctx.fillStyle = colors.lanes[lane] ?? "#888";
      ctx.fillRect(0, y, 3, lh);
    }
    // Waveform behind the notes, across all lanes.
    if (scene.peaks) {
      const mid = vp.rulerHeight + (vp.height - vp.rulerHeight) / 2;
      const amp = (vp.height - vp.rulerHeight) / 2;
      ctx.fillStyle = "rgba(163, 170, 184, 0.22)";
      const msPerPx = 1 / vp.pxPerMs;
      for (let x = 0; x < vp.width; x++) {
        const t = vp.startMs + x * msPerPx;
        const p = peakBetween(scene.peaks, t, t + msPerPx);
        const top = mid - p.max * amp;
        ctx.fillRect(x, top, 1, Math.max(1, (p.max - p.min) * amp));
      }
    }
    // Sections whose grid the generator doubted: tinted, so the eye goes there first.
    for (const span of scene.lowGrid) {
      const x0 = Math.max(0, msToX(vp, span.startMs));
      const x1 = Math.min(vp.width, msToX(vp, span.endMs));
      if (x1 <= x0) continue;
      ctx.fillStyle = "rgba(255,176,32,0.13)";
      ctx.fillRect(x0, vp.rulerHeight, x1 - x0, vp.height - vp.rulerHeight);
    }
    // Grid: bars strong, beats medium, subdivisions faint (skipped when too dense to read).
    const grid: GridLine[] = gridBetween(scene.tempo, vp.startMs, endMsOf(vp), scene.divisor, 4000);
    const beatPx = (60_000 / scene.tempo.bpmAt(vp.startMs)) * vp.pxPerMs;
    const showSubs = beatPx / scene.divisor >= 5;
    for (const g of grid) {
      if (g.kind === "sub" && !showSubs) continue;
      const x = Math.round(msToX(vp, g.ms)) + 0.5;
      ctx.strokeStyle =
        g.kind === "bar"
          ? "rgba(232,234,239,0.55)"
          : g.kind === "beat"
            ? "rgba(232,234,239,0.25)"
            : "rgba(232,234,239,0.1)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, vp.rulerHeight);
      ctx.lineTo(x, vp.height);
      ctx.stroke();
    }
    // Ruler: times every second or so, and comment markers.
    ctx.fillStyle = colors.surface2;
    ctx.fillRect(0, 0, vp.width, vp.rulerHeight);
    ctx.fillStyle = colors.muted;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const stepMs =
      [250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000].find((s) => s * vp.pxPerMs >= 70) ?? 60_000;
    for (let t = Math.ceil(vp.startMs / stepMs) * stepMs; t <= endMsOf(vp); t += stepMs) {
      const x = msToX(vp, t);
      ctx.fillRect(x, vp.rulerHeight - 6, 1, 6);
      ctx.fillText(formatRulerTime(t), x + 3, vp.rulerHeight / 2);
    }
    // Bar lines: a handle on the ruler to drag the grid by, and the bar's number when there is room.
    const bars = grid.filter((g) => g.kind === "bar");
    const barGap = bars.length > 1 ? (bars[1]!.ms - bars[0]!.ms) * vp.pxPerMs : vp.width;
    if (barGap >= 10) {
      const first = bars[0] ? barNumberAt(scene.sections, bars[0].ms) : null;
      ctx.font = "10px system-ui, sans-serif";
      bars.forEach((g, i) => {
        const x = Math.round(msToX(vp, g.ms)) + 0.5;
        ctx.fillStyle = colors.text;
        ctx.beginPath();
        ctx.moveTo(x - 4, vp.rulerHeight - 7);
        ctx.lineTo(x + 4, vp.rulerHeight - 7);
        ctx.lineTo(x, vp.rulerHeight);
        ctx.fill();
        if (barGap >= 28 && first !== null) {
          ctx.fillStyle = "rgba(232,234,239,0.5)";
          ctx.fillText(String(first + i), x + 3, vp.rulerHeight + 8);
        }
      });
      ctx.font = "11px system-ui, sans-serif";
    }
    // Doubtful spans on the ruler too: a strip along its top and a word at the start.
    for (const span of scene.lowGrid) {
      const x0 = Math.max(0, msToX(vp, span.startMs));
      const x1 = Math.min(vp.width, msToX(vp, span.endMs));
      if (x1 <= x0) continue;
      ctx.fillStyle = colors.accent;
      ctx.fillRect(x0, 0, x1 - x0, 3);
      if (x1 - x0 > 110) {
        ctx.fillText("check the tempo", x0 + 4, vp.height - 8);
      }
    }
    ctx.fillStyle = colors.accent;
    for (const m of scene.markers) {
      const x = msToX(vp, m);
      if (x < -6 || x > vp.width + 6) continue;
      ctx.beginPath();
      ctx.moveTo(x - 5, 2);
      ctx.lineTo(x + 5, 2);
      ctx.lineTo(x, 10);
      ctx.fill();
    }
    // Past the end of the song: shaded.
    const endX = msToX(vp, scene.endMs);
    if (endX < vp.width) {
      ctx.fillStyle = "rgba(0,0,0,0.45)";
      ctx.fillRect(Math.max(0, endX), vp.rulerHeight, vp.width - endX, vp.height - vp.rulerHeight);
    }
    // Lane labels over the left edge.
    ctx.font = "11px system-ui, sans-serif";
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      ctx.fillStyle = colors.muted;
      ctx.fillText(LANE_LABELS[lane as Lane], 6, laneY(vp, lane) - lh * 0.3);
    }
    // Notes: velocity sets the size, ghosts are dimmer and accents ringed (the format's bands, as
    // on the highway); the articulation's tab letter sits on the note; unsure ones get a dashed
    // ring and a "?".
    const r = noteRadius(vp);
    const [from, to] = visibleRange(scene.notes, vp);
    ctx.textAlign = "center";
    for (let i = from; i < to; i++) {
      const n = scene.notes[i]!;
      const x = msToX(vp, n.Time);
      const y = laneY(vp, n.Lane);
      const size = r * (0.7 + 0.3 * n.Velocity);
      const marks = noteMarks(n);
      ctx.globalAlpha = marks.band === "ghost" ? 0.55 : 1;
      ctx.fillStyle = colors.lanes[n.Lane] ?? "#888";
      ctx.beginPath();
      ctx.arc(x, y, size, 0, Math.PI * 2);
      ctx.fill();
      ctx.globalAlpha = 1;
      if (marks.band === "accent") {
        ctx.strokeStyle = colors.text;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, size + 1.5, 0, Math.PI * 2);
        ctx.stroke();
      }
      if (marks.letter && r >= 6) {
        ctx.fillStyle = "#0b0d11";
        ctx.font = `700 ${Math.round(size * 1.35)}px system-ui, sans-serif`;
        ctx.fillText(marks.letter, x, y + 0.5);
        ctx.font = "11px system-ui, sans-serif";
      }
      if (isUnsure(n)) {
        ctx.setLineDash([3, 2]);
        ctx.strokeStyle = colors.accent;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, size + 3, 0, Math.PI * 2);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = colors.accent;
        ctx.textAlign = "left";
        ctx.fillText("?", x + size + 3, y - size);
        ctx.textAlign = "center";
      }
    }
    ctx.textAlign = "left";
  }

  private drawLive(scene: TimelineScene, colors: TimelineColors): void {
    const ctx = this.liveCtx;
    const vp = this.vp;
    const o = this.overlay;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, vp.width, vp.height);
    const r = noteRadius(vp);
    const [from, to] = visibleRange(
      scene.notes,
      vp,
      12 + (o.preview ? Math.abs(o.preview.deltaMs) * vp.pxPerMs : 0),
    );
    ctx.lineWidth = 2;
    for (let i = from; i < to; i++) {
      const n = scene.notes[i]!;
      const selected = o.selection.has(n.id);
      if (!selected && n.id !== o.hoverId) continue;
      const x = msToX(vp, n.Time);
      const y = laneY(vp, n.Lane);
      ctx.strokeStyle = selected ? colors.text : colors.focus;
      ctx.beginPath();
      ctx.arc(x, y, r + 2, 0, Math.PI * 2);
      ctx.stroke();
      if (selected && o.preview) {
        const lane = Math.max(0, Math.min(LANE_COUNT - 1, n.Lane + o.preview.deltaLanes));
        ctx.globalAlpha = 0.6;
        ctx.fillStyle = colors.lanes[lane] ?? "#888";
        ctx.beginPath();
        ctx.arc(msToX(vp, n.Time + o.preview.deltaMs), laneY(vp, lane), r, 0, Math.PI * 2);
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    }
    if (o.box) {
      ctx.fillStyle = "rgba(124,196,255,0.15)";
      ctx.strokeStyle = colors.focus;
      ctx.lineWidth = 1;
      const x = Math.min(o.box.x0, o.box.x1);
      const y = Math.min(o.box.y0, o.box.y1);
      ctx.fillRect(x, y, Math.abs(o.box.x1 - o.box.x0), Math.abs(o.box.y1 - o.box.y0));
      ctx.strokeRect(x + 0.5, y + 0.5, Math.abs(o.box.x1 - o.box.x0), Math.abs(o.box.y1 - o.box.y0));
    }
    if (o.barDrag) {
      const from = Math.round(msToX(vp, o.barDrag.fromMs)) + 0.5;
      const to = Math.round(msToX(vp, o.barDrag.toMs)) + 0.5;
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = colors.muted;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(from, vp.rulerHeight);
      ctx.lineTo(from, vp.height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.strokeStyle = colors.focus;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(to, 0);
      ctx.lineTo(to, vp.height);
      ctx.stroke();
      ctx.fillStyle = colors.focus;
      ctx.font = "11px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      const text = `bar line → ${(o.barDrag.toMs / 1000).toFixed(3)} s`;
      const w = ctx.measureText(text).width;
      ctx.fillText(text, to + 6 + w > vp.width ? to - 6 - w : to + 6, vp.rulerHeight + 10);
    }
    const px = Math.round(msToX(vp, o.playheadMs)) + 0.5;
    if (px >= 0 && px <= vp.width) {
      ctx.strokeStyle = colors.accent;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(px, 0);
      ctx.lineTo(px, vp.height);
      ctx.stroke();
    }
  }
}
