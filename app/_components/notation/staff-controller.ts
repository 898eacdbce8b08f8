// The staff on a page, without React: engraves a chart's MusicXML into a host element (alphaTab,
// loaded on first use), draws a cursor at the song time it is given each frame, marks the bars of
// the practice loop, and turns a bar into a button that asks for that bar to be looped.
//
// The cursor only moves a transform (no layout) so following the audio clock costs nothing per
// frame; the sheet is engraved again only when the host's width changes.
import type { TempoMap } from "@/lib/beatmap/tempo.ts";
import {
  type AlphaTab,
  cursorX,
  loadAlphaTab,
  loadScore,
  renderStaff,
  type StaffLayout,
} from "./staff-render.ts";
import { StaffTiming } from "./staff-timing.ts";

export interface StaffControllerOptions {
  /** Class names from staff.module.css (the module belongs to the view). */
  classes: { sheet: string; chunk: string; cursor: string; bar: string; looped: string };
  /** A bar was chosen (clicked, or Enter on its button): `bar` is 0-based in the score. */
  onBarChosen?: (bar: number, timing: StaffTiming) => void;
  /** What a bar's button says, e.g. "Loop bar 3"; no buttons without it. */
  barLabel?: (bar: number, timing: StaffTiming) => string | null;
  scale?: number;
}

export type StaffState =
  | { kind: "loading" }
  | { kind: "ready"; bars: number }
  | { kind: "error"; message: string };

export class StaffController {
  private alphaTab: AlphaTab | null = null;
  private score: ReturnType<typeof loadScore> | null = null;
  private tempo: TempoMap | null = null;
  private layout: StaffLayout | null = null;
  private timing: StaffTiming | null = null;
  private readonly sheet: HTMLDivElement;
  private readonly cursor: HTMLDivElement;
  private barButtons: HTMLButtonElement[] = [];
  private renderedWidth = 0;
  private positionMs: number | null = null;
  private loop: { a: number; b: number } | null = null;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly options: StaffControllerOptions,
  ) {
    this.sheet = document.createElement("div");
    this.sheet.className = options.classes.sheet;
    this.cursor = document.createElement("div");
    this.cursor.className = options.classes.cursor;
    this.cursor.hidden = true;
    this.cursor.setAttribute("aria-hidden", "true");
    this.cursor.dataset.testid = "staff-cursor";
    host.append(this.sheet);
  }

  /** Engraves `musicXml`; its bars are laid on `tempo` (the chart's own map). */
  async load(musicXml: string, tempo: TempoMap): Promise<StaffState> {
    try {
      this.alphaTab ??= await loadAlphaTab();
      if (this.disposed) return { kind: "loading" };
      this.score = loadScore(this.alphaTab, musicXml);
      this.tempo = tempo;
      this.renderedWidth = 0;
      this.render();
      return { kind: "ready", bars: this.timing?.barCount ?? 0 };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return { kind: "error", message: `The notation could not be drawn: ${reason}` };
    }
  }

  /** The host's width changed: engrave again at the new width (the systems refill the lines). */
  resize(): void {
    if (this.score && Math.abs(this.host.clientWidth - this.renderedWidth) >= 1) this.render();
  }

  /** Moves the cursor to a song time (the practice controller's playhead, every frame). */
  setPosition(songMs: number | null): void {
    this.positionMs = songMs;
    const place = songMs === null ? null : this.timing?.placeAt(songMs);
    const bar = place ? this.layout?.bars.find((b) => b.index === place.bar) : undefined;
    if (!place || !bar) {
      this.cursor.hidden = true;
      return;
    }
    const x = cursorX(bar, place.fraction);
    this.cursor.hidden = false;
    this.cursor.style.transform = `translate(${x.toFixed(1)}px, ${bar.y.toFixed(1)}px)`;
    this.cursor.style.height = `${bar.height}px`;
    this.cursor.dataset.bar = String(place.bar);
    if (this.cursor.dataset.system !== String(bar.system)) {
      this.cursor.dataset.system = String(bar.system);
      this.scrollIntoView(bar.y, bar.height);
    }
  }

  /** Marks the bars a loop (song ms) covers; null clears the marks. */
  setLoop(loop: { a: number; b: number } | null): void {
    this.loop = loop;
    const timing = this.timing;
    this.barButtons.forEach((button, bar) => {
      const span = timing?.spanMs(bar);
      const inLoop = !!loop && !!span && span.a >= loop.a - 1 && span.b <= loop.b + 1;
      button.classList.toggle(this.options.classes.looped, inLoop);
      button.setAttribute("aria-pressed", String(inLoop));
    });
  }

  /** Where the engraving and its bars are, for tests and the print layout. */
  get current(): { layout: StaffLayout; timing: StaffTiming } | null {
    return this.layout && this.timing ? { layout: this.layout, timing: this.timing } : null;
  }

  dispose(): void {
    this.disposed = true;
    this.sheet.remove();
  }

  private render(): void {
    const at = this.alphaTab;
    const score = this.score;
    const tempo = this.tempo;
    if (!at || !score || !tempo) return;
    const width = Math.max(320, Math.floor(this.host.clientWidth));
    const layout = renderStaff(at, score, {
      width,
      ...(this.options.scale ? { scale: this.options.scale } : {}),
    });
    this.layout = layout;
    this.timing = new StaffTiming(tempo, layout.barBeats, layout.pickup);
    this.renderedWidth = width;
    this.draw(layout, this.timing);
    this.setLoop(this.loop);
    this.cursor.dataset.system = "";
    this.setPosition(this.positionMs);
  }

  private draw(layout: StaffLayout, timing: StaffTiming): void {
    const { classes, barLabel, onBarChosen } = this.options;
    const parts: HTMLElement[] = layout.chunks.map((c) => {
      const el = document.createElement("div");
      el.className = classes.chunk;
      el.style.left = `${c.x}px`;
      el.style.top = `${c.y}px`;
      el.style.width = `${c.width}px`;
      el.style.height = `${c.height}px`;
      // alphaTab's own SVG: text it draws is escaped (SvgCanvas), and the policy runs no script.
      el.innerHTML = c.svg;
      return el;
    });
    this.barButtons = [];
    if (barLabel) {
      for (const bar of layout.bars) {
        const label = barLabel(bar.index, timing);
        const button = document.createElement("button");
        button.type = "button";
        button.className = classes.bar;
        button.style.left = `${bar.x}px`;
        button.style.top = `${bar.y}px`;
        button.style.width = `${bar.width}px`;
        button.style.height = `${bar.height}px`;
        button.dataset.bar = String(bar.index);
        if (label) {
          button.setAttribute("aria-label", label);
          button.addEventListener("click", () => onBarChosen?.(bar.index, timing));
        } else {
          button.disabled = true;
          button.setAttribute("aria-label", `Bar ${bar.index + 1} (a pickup, before the first beat)`);
        }
        this.barButtons[bar.index] = button;
        parts.push(button);
      }
    }
    parts.push(this.cursor);
    this.sheet.style.width = `${layout.width}px`;
    this.sheet.style.height = `${layout.height}px`;
    this.sheet.replaceChildren(...parts);
  }

  /** Keeps the cursor's system in view inside a scrolling host, without moving the page. */
  private scrollIntoView(y: number, height: number): void {
    const host = this.host;
    if (host.scrollHeight <= host.clientHeight) return;
    if (y >= host.scrollTop && y + height <= host.scrollTop + host.clientHeight) return;
    host.scrollTop = Math.max(0, y - 16);
  }
}
