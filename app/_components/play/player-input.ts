"use client";
// The player's window-wide wiring: lane keys, Escape and seeking from the keyboard; pausing when
// the page is left; and the handle end-to-end tests and the benchmark read the clock through.
import { type RefObject, useEffect } from "react";
import { bindKey, type KeyMap, laneByCode } from "@/lib/practice/keymap.ts";
import { type PracticeController, SEEK_STEP_MS } from "@/lib/practice/practice-controller.ts";
import type { HighwayRenderer } from "./highway-renderer.ts";
import type { LoadedPractice } from "./load-practice.ts";

/** Where typing goes to a control, the player's shortcuts stay out of the way. */
function typingTarget(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName))
  );
}

/**
 * Keyboard: a rebind takes the next key; during a run lane keys hit and Escape pauses; ← / →
 * seek (the seek bar handles its own keys when it has focus).
 */
export function usePlayerKeys(options: {
  controller: PracticeController;
  keymap: KeyMap;
  rebinding: number | null;
  onRebound: (keymap: KeyMap | null) => void;
}): void {
  const { controller, keymap, rebinding, onRebound } = options;
  useEffect(() => {
    const lanes = laneByCode(keymap);
    const onKey = (e: KeyboardEvent) => {
      if (rebinding !== null) {
        e.preventDefault();
        onRebound(e.code === "Escape" ? null : bindKey(keymap, rebinding, e.code));
        return;
      }
      const lane = lanes.get(e.code);
      if (controller.running && e.code === "Escape") {
        e.preventDefault();
        controller.pause();
        return;
      }
      if (controller.running && lane !== undefined && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        if (!e.repeat) controller.hit(lane, e.timeStamp, "keyboard");
        return;
      }
      if ((e.code === "ArrowLeft" || e.code === "ArrowRight") && !typingTarget(e.target)) {
        e.preventDefault();
        controller.seekBy(e.code === "ArrowLeft" ? -SEEK_STEP_MS : SEEK_STEP_MS);
      }
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, [controller, keymap, rebinding, onRebound]);
}

/** A rhythm game cannot be played blind: pause when the page loses focus or is hidden. */
export function usePauseWhenHidden(controller: PracticeController, running: boolean): void {
  useEffect(() => {
    if (!running) return;
    const onHide = () => {
      if (document.visibilityState === "hidden") controller.pause();
    };
    const onBlur = () => controller.pause();
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("blur", onBlur);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("blur", onBlur);
    };
  }, [controller, running]);
}

/** Hooks for end-to-end tests and the benchmark: the clock mapping the player itself uses. */
export interface PlayerTestHandle {
  perfAtSong(songMs: number, pass?: number): number;
  songNow(): number;
  /** Song ms heard at performance time `perfMs` (a frame's timestamp). */
  songAt(perfMs: number): number;
  notes(): { times: number[]; lanes: number[] };
  renderCounts(): { static: number; scene: number; lastDrawn: number };
  /** Articulation marks (open hi-hat, rimshot, …) in the last frame drawn, by mark. */
  articulationMarks(): Record<string, number>;
  /** Recent scene draw times (ms) and the audio output latency the clock accounts for (s). */
  drawTimes(): number[];
  outputLatency(): number;
}

declare global {
  interface Window {
    __beatsightPlayer?: PlayerTestHandle;
  }
}

export function usePlayerTestHandle(
  practice: LoadedPractice,
  renderer: RefObject<HighwayRenderer | null>,
): void {
  useEffect(() => {
    const { engine, controller } = practice;
    window.__beatsightPlayer = {
      perfAtSong: (ms, pass = 0) => engine.perfAtSong(ms, pass),
      songNow: () => engine.songAtPerf(performance.now()),
      songAt: (perfMs) => engine.songAtPerf(perfMs),
      notes: () => ({
        times: Array.from(controller.prepared.times),
        lanes: Array.from(controller.prepared.lanes),
      }),
      drawTimes: () => [...(renderer.current?.drawTimes ?? [])],
      outputLatency: () => (engine.ctx.outputLatency ?? 0) + (engine.ctx.baseLatency ?? 0),
      articulationMarks: () => ({ ...renderer.current?.lastMarks }),
      renderCounts: () => ({
        ...(renderer.current?.counts ?? { static: 0, scene: 0 }),
        lastDrawn: renderer.current?.lastDrawn ?? 0,
      }),
    };
    return () => {
      delete window.__beatsightPlayer;
    };
  }, [practice, renderer]);
}
