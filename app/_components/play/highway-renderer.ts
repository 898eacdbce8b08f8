// The note highway on two stacked canvases (after excalidraw's StaticCanvas / InteractiveCanvas):
// the static layer (the track in perspective, lane tints, strike line, pads, key labels) is redrawn
// only when the size, lane order, colours or key map change; the scene layer (bar and beat lines,
// notes, hit bursts, miss marks) once per frame, drawing only what is on screen, found by binary
// search over the sorted note times. It looks the way drummers know from Rock Band / Clone Hero /
// YARG: pads in columns, the kick as a bar across them, cymbals as discs, drums as gems.
import { LANE_COUNT, LANE_LABELS, LANE_NAMES, type Lane } from "@/lib/beatmap/lanes.ts";
import {
  ARTICULATION_MARKS,
  type ArticulationMark,
  articulationMark,
  columnEdges,
  columnOfLane,
  depthAtY,
  depthOf,
  type HighwayLayout,
  highwayLayout,
  KICK_LANE,
  LANE_FORM,
  laneAtPoint,
  laneColumns,
  lowerBound,
  noteLook,
  scaleAt,
  visibleNotes,
  visibleRange,
  xAtScale,
  yAt,
} from "@/lib/practice/highway.ts";
import { NOTE_SKIPPED, STATUS_OF } from "@/lib/practice/judge.ts";
import type { HighwayScene } from "@/lib/practice/practice-controller.ts";
import type { Flash } from "@/lib/practice/session.ts";

export type { HighwayScene };

export interface HighwayLabels {
  /** Key label of each lane (by lane index). */
  keys: string[];
}

export interface HighwayOptions {
  /** Pad lanes left to right (lib/practice/highway.ts laneColumns). */
  columns: readonly Lane[];
  /** Bar numbers beside the bar lines. */
  barNumbers: boolean;
}

/** How long a hit burst lasts, and a miss mark stays, in real ms. */
const FLASH_MS = 260;
const MISS_MS = 650;
/** Notes fade in over the far end of the track (depth 1 − FADE … 1). */
const FADE = 0.22;

/** Burst colours: a perfect hit glows white-cyan; other hits say which way they were off. */
const HIT_COLOR = { perfect: "#a8f6ff", early: "#6ea8ff", late: "#ffb347", stray: "#a3aab8" } as const;
const MISS_COLOR = "#ff4d5e";

const BAR_FONT_NEAR = "700 14px system-ui, sans-serif";
const BAR_FONT_FAR = "700 11px system-ui, sans-serif";

const fadeIn = (u: number) => (u > 1 - FADE ? Math.max(0, (1 - u) / FADE) : 1);

/** Lane colours from the app's CSS variables (--lane-crash …), read once per theme. */
export function laneColors(root: Element = document.documentElement): string[] {
  const style = getComputedStyle(root);
  return LANE_NAMES.map((name) => style.getPropertyValue(`--lane-${name}`).trim() || "#888");
}

export class HighwayRenderer {
  private readonly staticCtx: CanvasRenderingContext2D;
  private readonly sceneCtx: CanvasRenderingContext2D;
  private options: HighwayOptions = { columns: laneColumns("standard", false), barNumbers: true };
  private columnOf = columnOfLane(this.options.columns);
  private layout: HighwayLayout = highwayLayout(0, 0, this.options.columns.length, 1500, 1);
  private dpr = 1;
  private colors: string[] = new Array(LANE_COUNT).fill("#888");
  private labels: HighwayLabels = { keys: new Array(LANE_COUNT).fill("") };
  private scene: HighwayScene | null = null;
  private staticDirty = true;
  /** Size of the kick's label under the track (CSS px), where a missed kick's × goes. */
  private kickLabelWidth = 0;
  private kickLabelHeight = 12;
  private reduceMotion = false;
  /** How often each layer was drawn (tests and the benchmark read these). */
  readonly counts = { static: 0, scene: 0 };
  /** Notes drawn in the last frame. */
  lastDrawn = 0;
  /** Notes looked at in the last frame (the visible window plus recent misses). */
  lastVisited = 0;
  /** Articulation marks drawn in the last frame, by mark (e2e tests read these). */
  readonly lastMarks: Record<ArticulationMark, number> = Object.fromEntries(
    ARTICULATION_MARKS.map((m) => [m, 0]),
  ) as Record<ArticulationMark, number>;
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

  /** Reduced motion: hit bursts show as a steady mark for their time instead of growing and fading. */
  setReducedMotion(on: boolean): void {
    this.reduceMotion = on;
  }

  setLabels(labels: HighwayLabels): void {
    if (labels.keys.join("\u0000") === this.labels.keys.join("\u0000")) return;
    this.labels = labels;
    this.staticDirty = true;
  }

  /** Lane order (and lefty flip) and bar numbers; the static layer is redrawn only on a change. */
  setOptions(options: HighwayOptions): void {
    const o = this.options;
    if (o.barNumbers === options.barNumbers && o.columns.join() === options.columns.join()) return;
    this.options = { columns: [...options.columns], barNumbers: options.barNumbers };
    this.columnOf = columnOfLane(this.options.columns);
    const l = this.layout;
    this.layout = highwayLayout(l.width, l.height, this.options.columns.length, l.leadMs, l.rate);
    this.staticDirty = true;
  }

  setScene(scene: HighwayScene): void {
    this.scene = scene;
  }

  /** Size in CSS px; approach time (real ms) and rate. Redraws the static layer only on a new size. */
  setLayout(width: number, height: number, dpr: number, leadMs: number, rate: number): void {
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
    this.layout = highwayLayout(width, height, this.options.columns.length, leadMs, rate);
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

  /** The lane a touch at (x, y) CSS px plays: a column, or the kick under the strike line. */
  laneAt(x: number, y: number): number {
    return laneAtPoint(this.layout, this.options.columns, x, y);
  }

  /** Draws a frame at song time `songMs`; `now` is performance.now() (burst fading only). */
  draw(songMs: number, flashes: readonly (Flash | null)[], now: number): void {
    const t0 = performance.now();
    if (this.staticDirty) this.drawStatic();
    this.drawScene(songMs, flashes, now);
    if (this.drawTimes.push(performance.now() - t0) > 2000) this.drawTimes.shift();
  }

  // ── Sizes (CSS px) ──────────────────────────────────────────────────────────────────────────

  private get columnWidth(): number {
    const l = this.layout;
    return (l.trackRight - l.trackLeft) / l.columns;
  }

  /** Gem height on the strike line: readable on a 390 px phone, not bulky on a desktop. */
  private get gemHeight(): number {
    return Math.max(14, Math.min(26, this.columnWidth * 0.3));
  }

  private get kickHeight(): number {
    return Math.max(8, Math.min(14, this.columnWidth * 0.16));
  }

  // ── Static layer ────────────────────────────────────────────────────────────────────────────

  private drawStatic(): void {
    this.staticDirty = false;
    this.counts.static++;
    const l = this.layout;
    const { width, height, hitY } = l;
    const g = this.staticCtx;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.fillStyle = "#07080b";
    g.fillRect(0, 0, width, height);
    if (width === 0 || height === 0) return;
    const uBottom = depthAtY(l, height);
    const sBottom = scaleAt(l, uBottom);
    const sFar = l.farScale;

    // The track: a trapezoid from below the strike line to the far end, darker far away.
    const quad = (x0: number, x1: number) => {
      g.beginPath();
      g.moveTo(xAtScale(l, x0, sBottom), height);
      g.lineTo(xAtScale(l, x1, sBottom), height);
      g.lineTo(xAtScale(l, x1, sFar), l.topY);
      g.lineTo(xAtScale(l, x0, sFar), l.topY);
      g.closePath();
    };
    const shade = g.createLinearGradient(0, l.topY, 0, hitY);
    shade.addColorStop(0, "#090a0e");
    shade.addColorStop(1, "#161a23");
    g.fillStyle = shade;
    quad(l.trackLeft, l.trackRight);
    g.fill();
    const cols = this.options.columns;
    cols.forEach((lane, c) => {
      const { left, right } = columnEdges(l, c);
      g.globalAlpha = 0.07;
      g.fillStyle = this.colors[lane]!;
      quad(left, right);
      g.fill();
    });
    g.globalAlpha = 1;
    // Column separators and the track's edges, converging towards the far end.
    for (let c = 0; c <= cols.length; c++) {
      const x = columnEdges(l, Math.min(c, cols.length - 1))[c === cols.length ? "right" : "left"];
      const edge = c === 0 || c === cols.length;
      g.strokeStyle = edge ? "#4a5263" : "#222733";
      g.lineWidth = edge ? 2 : 1;
      g.beginPath();
      g.moveTo(xAtScale(l, x, sBottom), height);
      g.lineTo(xAtScale(l, x, sFar), l.topY);
      g.stroke();
    }

    // The strike line: the kick's target band across the track, a bright line, the pads on it.
    const kick = this.colors[KICK_LANE]!;
    g.globalAlpha = 0.55;
    g.fillStyle = kick;
    g.fillRect(l.trackLeft, hitY - this.kickHeight / 2, l.trackRight - l.trackLeft, this.kickHeight);
    g.globalAlpha = 1;
    g.fillStyle = "#f4f6fa";
    g.fillRect(l.trackLeft, hitY - 1.5, l.trackRight - l.trackLeft, 3);
    const w = this.columnWidth;
    cols.forEach((lane, c) => {
      const { left } = columnEdges(l, c);
      const cx = left + w / 2;
      g.strokeStyle = this.colors[lane]!;
      g.lineWidth = 2.5;
      g.fillStyle = "#0b0d11";
      this.padPath(g, LANE_FORM[lane as Lane], cx, hitY, w, 1, 1);
      g.fill();
      g.stroke();
      // Key and lane name under the pad.
      g.fillStyle = "#e8eaef";
      g.textAlign = "center";
      g.textBaseline = "top";
      g.font = `600 ${Math.max(11, Math.min(15, w / 5))}px system-ui, sans-serif`;
      g.fillText(this.labels.keys[lane] ?? "", cx, hitY + this.gemHeight / 2 + 6, w - 4);
      g.fillStyle = this.colors[lane]!;
      g.font = `${Math.max(10, Math.min(13, w / 6))}px system-ui, sans-serif`;
      g.fillText(LANE_LABELS[lane as Lane], cx, hitY + this.gemHeight / 2 + 24, w - 4);
    });
    // The kick pedal's label along the bottom edge.
    const kickKey = this.labels.keys[KICK_LANE];
    g.fillStyle = kick;
    g.font = `600 ${Math.max(11, Math.min(14, w / 5))}px system-ui, sans-serif`;
    g.textBaseline = "bottom";
    const kickLabel = kickKey ? `Kick: ${kickKey}` : "Kick";
    g.fillText(kickLabel, (l.trackLeft + l.trackRight) / 2, height - 4);
    this.kickLabelWidth = g.measureText(kickLabel).width;
    this.kickLabelHeight = Math.max(11, Math.min(14, w / 5));
  }

  /**
   * The path of a note head or pad centred at (cx, y) for a column `w` wide at scale `s`: a gem
   * (rounded box) for drums, a flat disc for cymbals.
   */
  private padPath(
    g: CanvasRenderingContext2D,
    form: "drum" | "cymbal" | "kick" | "pedal",
    cx: number,
    y: number,
    w: number,
    s: number,
    size: number,
  ): void {
    const half = ((w * 0.84) / 2) * s * size;
    const h = this.gemHeight * s * size;
    g.beginPath();
    if (form === "cymbal") g.ellipse(cx, y, half, h * 0.42, 0, 0, Math.PI * 2);
    else if (form === "pedal") {
      // A foot pedal seen from the drummer's seat: a plate narrowing towards the heel.
      g.moveTo(cx - half * 0.55, y - h * 0.45);
      g.lineTo(cx + half * 0.55, y - h * 0.45);
      g.lineTo(cx + half * 0.3, y + h * 0.45);
      g.lineTo(cx - half * 0.3, y + h * 0.45);
      g.closePath();
    } else g.roundRect(cx - half, y - h / 2, half * 2, h, h * 0.32);
  }

  /**
   * An articulation's mark over its note (lib/practice/highway.ts ARTICULATION_MARK), at the
   * note's scale: `half` and `h` are the note head's half width and height.
   */
  private drawMark(
    g: CanvasRenderingContext2D,
    mark: ArticulationMark,
    cx: number,
    y: number,
    half: number,
    h: number,
  ): void {
    g.strokeStyle = "#ffffff";
    g.fillStyle = "#ffffff";
    g.lineWidth = Math.max(1.5, h * 0.12);
    g.beginPath();
    switch (mark) {
      case "open":
        // Notation's "o": a dark core in a white ring.
        g.fillStyle = "#0b0d11";
        g.ellipse(cx, y, half * 0.36, h * 0.26, 0, 0, Math.PI * 2);
        g.fill();
        g.stroke();
        return;
      case "rimshot": {
        // The rim struck with the head: brackets at the gem's ends (an accent's outline goes all
        // the way round, so the two read apart on one note).
        const x = half * 1.12;
        const top = y - h * 0.62;
        const bottom = y + h * 0.62;
        const serif = Math.max(3, half * 0.14);
        for (const side of [-1, 1]) {
          g.moveTo(cx + side * (x - serif), top);
          g.lineTo(cx + side * x, top);
          g.lineTo(cx + side * x, bottom);
          g.lineTo(cx + side * (x - serif), bottom);
        }
        g.stroke();
        return;
      }
      case "crossStick": {
        const r = h * 0.32;
        g.moveTo(cx - r * 1.3, y - r);
        g.lineTo(cx + r * 1.3, y + r);
        g.moveTo(cx + r * 1.3, y - r);
        g.lineTo(cx - r * 1.3, y + r);
        g.stroke();
        return;
      }
      case "bell": {
        // Notation's diamond.
        const r = h * 0.36;
        g.moveTo(cx, y - r);
        g.lineTo(cx + r * 1.4, y);
        g.lineTo(cx, y + r);
        g.lineTo(cx - r * 1.4, y);
        g.closePath();
        g.fill();
        return;
      }
      case "china":
        // Upturned edges.
        g.moveTo(cx - half * 1.08, y - h * 0.5);
        g.lineTo(cx - half * 0.8, y);
        g.lineTo(cx + half * 0.8, y);
        g.lineTo(cx + half * 1.08, y - h * 0.5);
        g.stroke();
        return;
      case "tomHigh":
      case "tomFloor": {
        // A small triangle at the gem's right end: up for the high tom, down for the floor tom.
        const r = h * 0.3;
        const x = cx + half * 0.68;
        const dir = mark === "tomHigh" ? -1 : 1;
        g.moveTo(x - r, y - dir * r * 0.6);
        g.lineTo(x + r, y - dir * r * 0.6);
        g.lineTo(x, y + dir * r * 0.8);
        g.closePath();
        g.fill();
        return;
      }
      default:
        // "pedal" and "splash" are drawn by the note's own shape and size.
        return;
    }
  }

  // ── Scene layer ─────────────────────────────────────────────────────────────────────────────

  private drawScene(songMs: number, flashes: readonly (Flash | null)[], now: number): void {
    this.counts.scene++;
    const l = this.layout;
    const g = this.sceneCtx;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.clearRect(0, 0, l.width, l.height);
    const scene = this.scene;
    if (!scene || l.width === 0 || l.height === 0) return;
    // Back to front: beat lines, kick bars, bar lines (over a kick on the one), pads, then what
    // happens on the strike line.
    const { start, end } = visibleNotes(scene.times, l, songMs);
    this.drawGrid(g, scene, songMs, false);
    let drawn = this.drawNotes(g, scene, songMs, start, end, true);
    this.drawGrid(g, scene, songMs, true);
    drawn += this.drawNotes(g, scene, songMs, start, end, false);
    const marked = this.drawMisses(g, scene, songMs);
    this.drawBursts(g, flashes, now);
    this.lastDrawn = drawn;
    this.lastVisited = end - start + marked;
    g.globalAlpha = 1;
  }

  /**
   * Bar lines (`bars`) strong and reaching past the track's edges, with their numbers; else beat
   * lines faint and subdivisions (6/8's eighths) fainter. Lines past the strike line are gone.
   */
  private drawGrid(g: CanvasRenderingContext2D, scene: HighwayScene, songMs: number, bars: boolean): void {
    const l = this.layout;
    const { toMs } = visibleRange(l, songMs, 0);
    const from = lowerBound(scene.gridTimes, songMs);
    const to = lowerBound(scene.gridTimes, toMs);
    const numbers = bars && this.options.barNumbers;
    // Numbers outside the track where there is room (desktop), else inside its left edge.
    const outside = l.trackLeft >= 30;
    for (let i = from; i < to; i++) {
      const line = scene.grid[i]!;
      if ((line.kind === "bar") !== bars) continue;
      const u = depthOf(l, line.ms, songMs);
      const s = scaleAt(l, u);
      const y = yAt(l, u);
      const x0 = xAtScale(l, l.trackLeft, s);
      const x1 = xAtScale(l, l.trackRight, s);
      const fade = fadeIn(u);
      if (bars) {
        const reach = 10 * s;
        const t = Math.max(2, 4 * s);
        g.globalAlpha = 0.9 * fade;
        g.fillStyle = "#f4f6fa";
        g.fillRect(x0 - reach, y - t / 2, x1 - x0 + 2 * reach, t);
        if (numbers) {
          g.font = s > 0.7 ? BAR_FONT_NEAR : BAR_FONT_FAR;
          g.textBaseline = outside ? "middle" : "bottom";
          g.textAlign = outside ? "right" : "left";
          g.fillText(String(line.bar), outside ? x0 - reach - 4 : x0 + 4, outside ? y : y - t);
        }
      } else {
        g.globalAlpha = (line.kind === "beat" ? 0.32 : 0.13) * fade;
        g.fillStyle = "#e8eaef";
        g.fillRect(x0, y - 0.5, x1 - x0, line.kind === "beat" ? 1.5 : 1);
      }
    }
  }

  /** The kicks (`kicks`) or the pads among notes [start, end). Returns how many were drawn. */
  private drawNotes(
    g: CanvasRenderingContext2D,
    scene: HighwayScene,
    songMs: number,
    start: number,
    end: number,
    kicks: boolean,
  ): number {
    const l = this.layout;
    const w = this.columnWidth;
    const kickColor = this.colors[KICK_LANE]!;
    const marks = this.lastMarks;
    if (!kicks) for (const m of ARTICULATION_MARKS) marks[m] = 0;
    let drawn = 0;
    for (let i = start; i < end; i++) {
      const lane = scene.lanes[i]!;
      if ((lane === KICK_LANE) !== kicks) continue;
      const status = scene.status[i]!;
      // Hit notes are gone: the burst on the strike line shows them.
      if (status === STATUS_OF.perfect || status === STATUS_OF.great || status === STATUS_OF.good) continue;
      const column = this.columnOf[lane]!;
      if (!kicks && column < 0) continue;
      const u = depthOf(l, scene.times[i]!, songMs);
      const s = scaleAt(l, u);
      const y = yAt(l, u);
      const look = noteLook(scene.velocities[i]!);
      const dead = status === STATUS_OF.miss || status === NOTE_SKIPPED;
      const fade = fadeIn(u);
      g.globalAlpha = (dead ? 0.3 : look.alpha) * fade;
      const color = dead ? "#5a5f6b" : kicks ? kickColor : this.colors[lane]!;
      if (kicks) {
        const x0 = xAtScale(l, l.trackLeft + 3, s);
        const x1 = xAtScale(l, l.trackRight - 3, s);
        const h = this.kickHeight * s * look.scale;
        g.fillStyle = color;
        g.fillRect(x0, y - h / 2, x1 - x0, h);
        if (look.outline && !dead) {
          // An accented kick: a bright core (white outlines are the bar lines' colour here).
          g.fillStyle = "#ffe2bf";
          g.fillRect(x0, y - h * 0.15, x1 - x0, h * 0.3);
        }
      } else {
        const mark = articulationMark(scene.components?.[i]);
        const form = mark === "pedal" ? "pedal" : LANE_FORM[lane as Lane];
        const size = mark === "splash" ? look.scale * 0.78 : look.scale;
        const cx = xAtScale(l, columnEdges(l, column).left + w / 2, s);
        g.fillStyle = color;
        this.padPath(g, form, cx, y, w, s, size);
        g.fill();
        // A lighter centre (the cymbal's bell, the drum's head) where no mark takes its place.
        if (!dead && mark !== "open" && mark !== "bell" && mark !== "pedal" && mark !== "crossStick") {
          const alpha = g.globalAlpha;
          g.globalAlpha *= 0.55;
          g.fillStyle = "#ffffff";
          const bell = this.gemHeight * s * size;
          if (form === "cymbal") {
            g.beginPath();
            g.ellipse(cx, y, bell * 0.4, bell * 0.16, 0, 0, Math.PI * 2);
            g.fill();
          } else g.fillRect(cx - w * 0.3 * s * size, y - bell * 0.28, w * 0.6 * s * size, bell * 0.14);
          g.globalAlpha = alpha;
        }
        if (mark) {
          // Marks stay readable on ghost notes: at least 0.8 of the note's fade.
          g.globalAlpha = Math.max(g.globalAlpha, (dead ? 0.3 : 0.8) * fade);
          this.drawMark(g, mark, cx, y, ((w * 0.84) / 2) * s * size, this.gemHeight * s * size);
          marks[mark]++;
        }
        if (look.outline && !dead) {
          g.globalAlpha = fade;
          g.strokeStyle = "#ffffff";
          g.lineWidth = 2;
          this.padPath(g, form, cx, y, w, s, size);
          g.stroke();
        }
      }
      drawn++;
    }
    return drawn;
  }

  /** A red × on the strike line for each note missed in the last MISS_MS (real time). */
  private drawMisses(g: CanvasRenderingContext2D, scene: HighwayScene, songMs: number): number {
    const l = this.layout;
    const from = lowerBound(scene.times, songMs - MISS_MS * l.rate);
    const to = lowerBound(scene.times, songMs);
    const w = this.columnWidth;
    const size = Math.max(7, Math.min(14, w * 0.16));
    g.strokeStyle = MISS_COLOR;
    g.lineCap = "round";
    for (let i = from; i < to; i++) {
      if (scene.status[i] !== STATUS_OF.miss) continue;
      const age = (songMs - scene.times[i]!) / l.rate;
      g.globalAlpha = this.reduceMotion ? 1 : Math.max(0, 1 - age / MISS_MS);
      const lane = scene.lanes[i]!;
      const column = this.columnOf[lane]!;
      // A missed kick: the band on the strike line turns red, the × goes beside the kick's label.
      const kickX = (l.trackLeft + l.trackRight) / 2 - this.kickLabelWidth / 2 - size - 6;
      const cx = column < 0 ? kickX : columnEdges(l, column).left + w / 2;
      const cy = column < 0 ? l.height - 4 - this.kickLabelHeight / 2 : l.hitY;
      if (column < 0) {
        g.fillStyle = MISS_COLOR;
        g.globalAlpha *= 0.6;
        g.fillRect(l.trackLeft, l.hitY - this.kickHeight / 2, l.trackRight - l.trackLeft, this.kickHeight);
        g.globalAlpha /= 0.6;
      }
      g.lineWidth = 3.5;
      g.beginPath();
      g.moveTo(cx - size, cy - size);
      g.lineTo(cx + size, cy + size);
      g.moveTo(cx + size, cy - size);
      g.lineTo(cx - size, cy + size);
      g.stroke();
    }
    g.lineCap = "butt";
    return to - from;
  }

  /** A burst on the strike line per hit, coloured by timing, with EARLY / LATE when not perfect. */
  private drawBursts(g: CanvasRenderingContext2D, flashes: readonly (Flash | null)[], now: number): void {
    const l = this.layout;
    const w = this.columnWidth;
    for (let lane = 0; lane < LANE_COUNT; lane++) {
      const f = flashes[lane];
      if (!f) continue;
      const age = now - f.at;
      if (age < 0 || age > FLASH_MS) continue;
      const t = this.reduceMotion ? 0 : age / FLASH_MS;
      const timing =
        f.judgment === "stray"
          ? "stray"
          : f.judgment === "perfect" || !Number.isFinite(f.errorMs)
            ? "perfect"
            : f.errorMs < 0
              ? "early"
              : "late";
      const color = HIT_COLOR[timing];
      // A great hit bursts bigger than a good one; a perfect one biggest.
      const strength = f.judgment === "perfect" ? 1 : f.judgment === "great" ? 0.8 : 0.6;
      const column = this.columnOf[lane]!;
      g.fillStyle = color;
      g.strokeStyle = color;
      if (lane === KICK_LANE || column < 0) {
        // Two lines moving apart from the strike line, across the track: the kick's shock wave.
        const spread = this.kickHeight * (0.8 + 2.2 * strength * t);
        g.globalAlpha = 0.9 * (1 - t);
        const x0 = l.trackLeft - 6;
        const x1 = l.trackRight + 6;
        g.fillRect(x0, l.hitY - spread - 2, x1 - x0, 4);
        g.fillRect(x0, l.hitY + spread - 2, x1 - x0, 4);
        this.timingText(g, timing, (l.trackLeft + l.trackRight) / 2, l.hitY - spread - 6, 1 - t);
        continue;
      }
      const cx = columnEdges(l, column).left + w / 2;
      g.globalAlpha = 0.9 * (1 - t);
      this.padPath(g, LANE_FORM[lane as Lane], cx, l.hitY, w, 1, 1.05);
      g.fill();
      // The ring grows out of the pad as it fades.
      g.globalAlpha = 0.8 * (1 - t) * strength;
      g.lineWidth = 3;
      g.beginPath();
      g.ellipse(
        cx,
        l.hitY,
        w * (0.45 + 0.35 * t * strength),
        this.gemHeight * (0.7 + 1.4 * t * strength),
        0,
        0,
        Math.PI * 2,
      );
      g.stroke();
      this.timingText(g, timing, cx, l.hitY - this.gemHeight - 4, 1 - t);
    }
  }

  private timingText(
    g: CanvasRenderingContext2D,
    timing: keyof typeof HIT_COLOR,
    x: number,
    y: number,
    alpha: number,
  ): void {
    if (timing !== "early" && timing !== "late") return;
    g.globalAlpha = alpha;
    g.font = "700 12px system-ui, sans-serif";
    g.textAlign = "center";
    g.textBaseline = "bottom";
    g.fillText(timing === "early" ? "EARLY" : "LATE", x, y);
  }
}
