// The transport's state machine: what Play, Pause, a seek and the loop buttons do in each state,
// and which audio action follows (start from a place, stop, nothing). Pure: the controller
// (practice-controller.ts) performs the effect on the audio engine, so every rule here is pinned
// by unit tests without WebAudio.
//
//   idle ──play──▶ counting-in ──count-in over──▶ playing ──pause──▶ paused ──play──▶ …
//     ▲                 └────────────pause─────────────┘                 │
//     └──────────────────────── finish / back to start ◀─────────────────┘
//
// A/B and bar loops can be set, changed and cleared in every state. While a run is on, a change
// that moves the playhead restarts the audio at once, without a count-in: the drummer is already
// in the groove.
import type { LoopRange } from "./transport.ts";

export type TransportStatus = "idle" | "counting-in" | "playing" | "paused";

export interface TransportState {
  status: TransportStatus;
  /** Where the transport is parked (idle, paused) or where the running audio started. Song ms. */
  positionMs: number;
  /** Song ms where the song ends (the seek bar's end). */
  endMs: number;
  loop: LoopRange | null;
  /** A loop start waiting for its end. */
  loopA: number | null;
}

export type TransportEvent =
  /** Play (or, while running, start again from the same place: a new tempo from the trainer). */
  | { type: "play"; countIn: boolean }
  /** The count-in's last click has passed: the song is heard. */
  | { type: "count-in-over" }
  /** `atMs`: the audible position when the drummer paused (NaN when unknown). */
  | { type: "pause"; atMs: number }
  | { type: "seek"; toMs: number }
  /** `atMs`: the loop start (snapped to the grid); `positionMs`: the audible position. */
  | { type: "set-a"; atMs: number; positionMs: number }
  | { type: "set-b"; atMs: number }
  | { type: "clear-loop"; positionMs: number }
  /** A loop chosen whole: bars from the grid, or a bar to drill. */
  | { type: "loop"; loop: LoopRange }
  /** The run ended (results): parked where it started. */
  | { type: "finish"; atMs: number };

export type TransportEffect =
  | { kind: "none" }
  | { kind: "stop" }
  | { kind: "start"; fromMs: number; loop: LoopRange | null; countIn: boolean };

export interface Transition {
  state: TransportState;
  effect: TransportEffect;
  /** Why the event changed nothing, for the drummer. */
  refused?: string;
}

const NONE: TransportEffect = { kind: "none" };

export const isRunning = (s: TransportState): boolean => s.status === "playing" || s.status === "counting-in";

export function initialTransport(endMs: number): TransportState {
  return { status: "idle", positionMs: 0, endMs, loop: null, loopA: null };
}

const clamp = (s: TransportState, ms: number) => Math.max(0, Math.min(s.endMs, ms));

/** Where Play starts: the loop's start, else the parked place (the start again once at the end). */
export function startPoint(s: TransportState): number {
  if (s.loop) return s.loop.a;
  return s.positionMs >= s.endMs - 100 ? 0 : s.positionMs;
}

const inside = (loop: LoopRange, ms: number) => ms >= loop.a - 1e-6 && ms < loop.b - 1e-6;

export function transition(s: TransportState, e: TransportEvent): Transition {
  const running = isRunning(s);
  switch (e.type) {
    case "play": {
      const from = startPoint(s);
      return {
        state: { ...s, status: e.countIn ? "counting-in" : "playing", positionMs: from },
        effect: { kind: "start", fromMs: from, loop: s.loop, countIn: e.countIn },
      };
    }
    case "count-in-over":
      return s.status === "counting-in"
        ? { state: { ...s, status: "playing" }, effect: NONE }
        : { state: s, effect: NONE };
    case "pause": {
      if (!running) return { state: s, effect: NONE };
      const at = Number.isFinite(e.atMs) ? clamp(s, e.atMs) : s.positionMs;
      return { state: { ...s, status: "paused", positionMs: at }, effect: { kind: "stop" } };
    }
    case "seek": {
      const to = clamp(s, e.toMs);
      // Going elsewhere leaves the loop: a loop would pull the playhead straight back.
      const loop = s.loop && inside(s.loop, to) ? s.loop : null;
      const status = running ? s.status : to === 0 && !loop ? "idle" : s.status;
      const state: TransportState = { ...s, status, positionMs: to, loop };
      if (!running) return { state, effect: NONE };
      return {
        state: { ...state, status: "playing" },
        effect: { kind: "start", fromMs: to, loop, countIn: false },
      };
    }
    case "set-a": {
      const state: TransportState = { ...s, loopA: clamp(s, e.atMs), loop: null };
      // A loop that was playing stops looping and the song goes on from where it is.
      if (running && s.loop) {
        const from = clamp(s, e.positionMs);
        return {
          state: { ...state, status: "playing", positionMs: from },
          effect: { kind: "start", fromMs: from, loop: null, countIn: false },
        };
      }
      return { state, effect: NONE };
    }
    case "set-b": {
      const a = s.loopA;
      if (a === null) return { state: s, effect: NONE, refused: "Set the loop's start (A) first." };
      const b = clamp(s, e.atMs);
      if (b <= a) return { state: s, effect: NONE, refused: "The loop end must come after its start." };
      return setLoop(s, { a, b });
    }
    case "loop":
      if (!(e.loop.b > e.loop.a))
        return { state: s, effect: NONE, refused: "The loop end must come after its start." };
      return setLoop(s, { a: clamp(s, e.loop.a), b: clamp(s, e.loop.b) });
    case "clear-loop": {
      const state: TransportState = { ...s, loop: null, loopA: null };
      if (running && s.loop) {
        const from = clamp(s, e.positionMs);
        return {
          state: { ...state, status: "playing", positionMs: from },
          effect: { kind: "start", fromMs: from, loop: null, countIn: false },
        };
      }
      return { state, effect: NONE };
    }
    case "finish":
      return {
        state: { ...s, status: "idle", positionMs: clamp(s, e.atMs) },
        effect: running ? { kind: "stop" } : NONE,
      };
  }
}

/** A new loop: while running the audio goes to its start at once; parked, the playhead waits there. */
function setLoop(s: TransportState, loop: LoopRange): Transition {
  const state: TransportState = { ...s, loop, loopA: null, positionMs: loop.a };
  if (isRunning(s)) {
    return {
      state: { ...state, status: "playing" },
      effect: { kind: "start", fromMs: loop.a, loop, countIn: false },
    };
  }
  return { state: { ...state, status: s.status === "idle" ? "idle" : "paused" }, effect: NONE };
}
