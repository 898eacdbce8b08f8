// MusicXML → engraved staff, through alphaTab's low-level ScoreRenderer (SVG engine), on the
// calling thread. The result is plain data: SVG chunks with their place on the sheet, and where
// each bar and beat landed, so the page (staff-controller.ts), the print layout (print-layout.ts)
// and the tests place, split and hit-test the sheet without touching alphaTab again.
//
// Why not alphaTab's AlphaTabApi: it injects <style> elements (its @font-face and base rules)
// that our Content-Security-Policy refuses (style-src has no 'unsafe-inline', and those elements
// carry no nonce), and starts a render worker from a blob: URL unless told not to. The renderer
// alone needs neither: staff.module.css holds the same rules as a file from our origin, and the
// player, synthesizer and cursor of AlphaTabApi are not wanted (our audio engine plays the song;
// the cursor follows its clock, staff-controller.ts).
import type * as AlphaTabNs from "@coderline/alphatab";

export type AlphaTab = typeof AlphaTabNs;
type Score = AlphaTabNs.model.Score;

/** Loaded on first use only: ~1 MB of script that no page needs before it shows a staff. */
export const loadAlphaTab = (): Promise<AlphaTab> => import("@coderline/alphatab");

/** One piece of the sheet as alphaTab draws it (a system, or the annotation under the last). */
export interface StaffChunk {
  x: number;
  y: number;
  width: number;
  height: number;
  svg: string;
}

/** A beat's onset inside its bar: ticks from the bar's start (960 a quarter note) and its x. */
export interface StaffBeat {
  tick: number;
  x: number;
}

/** Where one bar of the score landed on the sheet (px, from the sheet's top left). */
export interface StaffBarBox {
  /** 0-based bar of the score. */
  index: number;
  /** 0-based system (line of staves) the bar is in. */
  system: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The bar's length in ticks (a pickup's own, shorter length). */
  lengthTicks: number;
  /** Onsets of the bar's beats (every voice), by tick. */
  beats: StaffBeat[];
}

export interface StaffSystemBox {
  index: number;
  /** The system's band on the sheet, the space around its staves included. */
  top: number;
  bottom: number;
}

export interface StaffLayout {
  width: number;
  height: number;
  chunks: StaffChunk[];
  bars: StaffBarBox[];
  systems: StaffSystemBox[];
  /** Each bar's length in quarter notes, and whether the first is a pickup. */
  barBeats: number[];
  pickup: boolean;
}

export interface StaffRenderOptions {
  /** Width of the sheet, CSS px: the systems are laid out to fill it. */
  width: number;
  /** Zoom of the engraving (1: alphaTab's default size). */
  scale?: number;
}

/** alphaTab's ticks per quarter note (MidiUtils.QuarterTime). */
export const TICKS_PER_QUARTER = 960;

/** Reads a MusicXML document into alphaTab's score model. */
export function loadScore(at: AlphaTab, musicXml: string): Score {
  const score = at.importer.ScoreLoader.loadScoreFromBytes(
    new TextEncoder().encode(musicXml),
    settings(at, 1),
  );
  giveNoteheads(at, score);
  return score;
}

/**
 * alphaTab 1.8.4 reads a MusicXML percussion part that names its instruments into articulations
 * without a default notehead: notes written without <notehead> (kick, snare, toms) would be drawn
 * as stems alone. Give those the ordinary black, half and whole heads.
 */
function giveNoteheads(at: AlphaTab, score: Score): void {
  const { MusicFontSymbol } = at.model;
  for (const track of score.tracks) {
    for (const a of track.percussionArticulations) {
      if (a.noteHeadDefault !== MusicFontSymbol.None) continue;
      a.noteHeadDefault = MusicFontSymbol.NoteheadBlack;
      a.noteHeadHalf = MusicFontSymbol.NoteheadHalf;
      a.noteHeadWhole = MusicFontSymbol.NoteheadWhole;
    }
  }
}

function settings(at: AlphaTab, scale: number): AlphaTabNs.Settings {
  const s = new at.Settings();
  s.core.engine = "svg";
  s.core.useWorkers = false;
  s.core.enableLazyLoading = false;
  s.player.playerMode = at.PlayerMode.Disabled;
  s.display.layoutMode = at.LayoutMode.Page;
  s.display.staveProfile = at.StaveProfile.Score;
  s.display.scale = scale;
  s.display.padding = [8, 12];
  // Drum notation writes feet and hands in two voices, both in ink (alphaTab greys the second).
  const ink = new at.model.Color(17, 17, 17, 255);
  s.display.resources.mainGlyphColor = ink;
  s.display.resources.secondaryGlyphColor = ink;
  s.display.resources.barNumberColor = new at.model.Color(90, 90, 90, 255);
  // The page shows the title, artist and tempo itself (and prints them in its own header).
  const E = at.NotationElement;
  for (const e of [
    E.ScoreTitle,
    E.ScoreSubTitle,
    E.ScoreArtist,
    E.ScoreAlbum,
    E.ScoreWords,
    E.ScoreMusic,
    E.ScoreWordsAndMusic,
    E.ScoreCopyright,
    E.TrackNames,
  ])
    s.notation.elements.set(e, false);
  return s;
}

/** Engraves the first track of `score` at `options.width`; synchronous (the SVG engine is). */
export function renderStaff(at: AlphaTab, score: Score, options: StaffRenderOptions): StaffLayout {
  const renderer = new at.rendering.ScoreRenderer(settings(at, options.scale ?? 1));
  renderer.width = options.width;
  const chunks: StaffChunk[] = [];
  let failure: Error | null = null;
  let size = { width: options.width, height: 0 };
  renderer.partialLayoutFinished.on((e) => renderer.renderResult(e.id));
  renderer.partialRenderFinished.on((e) => {
    if (typeof e.renderResult !== "string") return;
    chunks.push({ x: e.x, y: e.y, width: e.width, height: e.height, svg: e.renderResult });
  });
  renderer.renderFinished.on((e) => {
    size = { width: e.totalWidth, height: e.totalHeight };
  });
  renderer.error.on((e) => {
    failure = e;
  });
  try {
    renderer.renderScore(score, [0]);
    if (failure) throw failure;
    const lookup = renderer.boundsLookup;
    if (!lookup) throw new Error("alphaTab finished without the positions of the bars.");
    const bars: StaffBarBox[] = [];
    const systems: StaffSystemBox[] = [];
    lookup.staffSystems.forEach((system, s) => {
      const band = system.visualBounds;
      systems.push({ index: s, top: band.y, bottom: band.y + band.h });
      for (const mb of system.bars) bars.push(barBox(score, mb, s));
    });
    // The chunks hold the systems with their spacing: bands run from chunk edge to chunk edge.
    for (const sys of systems) {
      const chunk = chunks.find((c) => c.y <= sys.top + 0.5 && c.y + c.height >= sys.bottom - 0.5);
      if (chunk) {
        sys.top = chunk.y;
        sys.bottom = chunk.y + chunk.height;
      }
    }
    const barBeats = score.masterBars.map((mb) => mb.calculateDuration(true) / TICKS_PER_QUARTER);
    return {
      width: size.width,
      height: size.height,
      chunks: chunks.sort((a, b) => a.y - b.y || a.x - b.x),
      bars,
      systems,
      barBeats,
      pickup: score.masterBars[0]?.isAnacrusis ?? false,
    };
  } finally {
    renderer.destroy();
  }
}

function barBox(score: Score, mb: AlphaTabNs.rendering.MasterBarBounds, system: number): StaffBarBox {
  const box = mb.lineAlignedBounds;
  const beats = new Map<number, number>();
  for (const bar of mb.bars) {
    for (const b of bar.beats) {
      const tick = b.beat.playbackStart;
      beats.set(tick, Math.min(beats.get(tick) ?? Number.POSITIVE_INFINITY, b.onNotesX));
    }
  }
  return {
    index: mb.index,
    system,
    x: mb.realBounds.x,
    y: box.y,
    width: mb.realBounds.w,
    height: box.h,
    lengthTicks: score.masterBars[mb.index]?.calculateDuration(true) ?? TICKS_PER_QUARTER * 4,
    beats: [...beats].map(([tick, x]) => ({ tick, x })).sort((a, b) => a.tick - b.tick),
  };
}

/**
 * The cursor's x at `fraction` (0–1) of a bar's length: between the notes of the beats on either
 * side (the engraving spaces notes by their length, not evenly), from the bar line before the
 * first and to the bar line after the last.
 */
export function cursorX(bar: StaffBarBox, fraction: number): number {
  const tick = Math.min(1, Math.max(0, fraction)) * bar.lengthTicks;
  let from = { tick: 0, x: bar.x };
  let to = { tick: bar.lengthTicks, x: bar.x + bar.width };
  for (const b of bar.beats) {
    if (b.tick <= tick) from = b;
    else {
      to = b;
      break;
    }
  }
  const span = to.tick - from.tick;
  return span > 0 ? from.x + ((tick - from.tick) / span) * (to.x - from.x) : from.x;
}
