import { describe, expect, it } from "vitest";
import {
  initialTransport,
  startPoint,
  type TransportEvent,
  type TransportState,
  transition,
} from "./transport-state.ts";

const parked = (change: Partial<TransportState> = {}): TransportState => ({
  ...initialTransport(60_000),
  ...change,
});

/** Runs events from a state; returns the last transition. */
function run(state: TransportState, ...events: TransportEvent[]) {
  let t = { state, effect: { kind: "none" } as ReturnType<typeof transition>["effect"] };
  for (const e of events) t = transition(t.state, e);
  return t;
}

describe("transport state machine", () => {
  it("idle → counting-in → playing → paused → playing again from the pause", () => {
    const start = transition(parked(), { type: "play", countIn: true });
    expect(start.state.status).toBe("counting-in");
    expect(start.effect).toEqual({ kind: "start", fromMs: 0, loop: null, countIn: true });
    const playing = transition(start.state, { type: "count-in-over" });
    expect(playing.state.status).toBe("playing");
    const paused = transition(playing.state, { type: "pause", atMs: 12_345 });
    expect(paused.state).toMatchObject({ status: "paused", positionMs: 12_345 });
    expect(paused.effect).toEqual({ kind: "stop" });
    const resumed = transition(paused.state, { type: "play", countIn: false });
    expect(resumed.state.status).toBe("playing");
    expect(resumed.effect).toEqual({ kind: "start", fromMs: 12_345, loop: null, countIn: false });
  });

  it("pausing during the count-in parks where the audio was to start", () => {
    const t = run(
      parked({ positionMs: 5000, status: "paused" }),
      { type: "play", countIn: true },
      {
        type: "pause",
        atMs: Number.NaN,
      },
    );
    expect(t.state).toMatchObject({ status: "paused", positionMs: 5000 });
  });

  it("plays from the start again once parked at the end, and from the loop's start with a loop", () => {
    expect(startPoint(parked({ positionMs: 59_950 }))).toBe(0);
    expect(startPoint(parked({ positionMs: 30_000 }))).toBe(30_000);
    expect(startPoint(parked({ positionMs: 30_000, loop: { a: 4000, b: 8000 } }))).toBe(4000);
  });

  it("a seek while playing restarts the audio there at once, without a count-in", () => {
    const playing = parked({ status: "playing", positionMs: 1000 });
    const t = transition(playing, { type: "seek", toMs: 42_000 });
    expect(t.state).toMatchObject({ status: "playing", positionMs: 42_000 });
    expect(t.effect).toEqual({ kind: "start", fromMs: 42_000, loop: null, countIn: false });
    // Clamped to the song.
    expect(transition(playing, { type: "seek", toMs: 90_000 }).state.positionMs).toBe(60_000);
    expect(transition(playing, { type: "seek", toMs: -5 }).state.positionMs).toBe(0);
  });

  it("a seek while parked moves the playhead only; back to the start is idle", () => {
    const paused = parked({ status: "paused", positionMs: 9000 });
    const t = transition(paused, { type: "seek", toMs: 20_000 });
    expect(t.state).toMatchObject({ status: "paused", positionMs: 20_000 });
    expect(t.effect.kind).toBe("none");
    expect(transition(paused, { type: "seek", toMs: 0 }).state.status).toBe("idle");
  });

  it("a seek inside the loop keeps it, outside leaves it", () => {
    const loop = { a: 4000, b: 8000 };
    const looping = parked({ status: "playing", loop });
    const inside = transition(looping, { type: "seek", toMs: 5000 });
    expect(inside.state.loop).toEqual(loop);
    expect(inside.effect).toEqual({ kind: "start", fromMs: 5000, loop, countIn: false });
    const outside = transition(looping, { type: "seek", toMs: 20_000 });
    expect(outside.state.loop).toBeNull();
    expect(outside.effect).toEqual({ kind: "start", fromMs: 20_000, loop: null, countIn: false });
  });

  it("sets A and B while playing: the loop starts at once at A", () => {
    const playing = parked({ status: "playing", positionMs: 0 });
    const a = transition(playing, { type: "set-a", atMs: 2500, positionMs: 2510 });
    expect(a.state).toMatchObject({ status: "playing", loopA: 2500, loop: null });
    expect(a.effect.kind).toBe("none"); // the song goes on
    const b = transition(a.state, { type: "set-b", atMs: 4500 });
    expect(b.state).toMatchObject({ status: "playing", loopA: null, loop: { a: 2500, b: 4500 } });
    expect(b.effect).toEqual({ kind: "start", fromMs: 2500, loop: { a: 2500, b: 4500 }, countIn: false });
  });

  it("clears the loop while playing: the song goes on from where it is", () => {
    const looping = parked({ status: "playing", loop: { a: 2500, b: 4500 } });
    const t = transition(looping, { type: "clear-loop", positionMs: 3200 });
    expect(t.state).toMatchObject({ status: "playing", loop: null, loopA: null, positionMs: 3200 });
    expect(t.effect).toEqual({ kind: "start", fromMs: 3200, loop: null, countIn: false });
    // A new A during a loop also leaves it and plays on.
    const a = transition(looping, { type: "set-a", atMs: 3000, positionMs: 3210 });
    expect(a.state).toMatchObject({ loop: null, loopA: 3000 });
    expect(a.effect).toEqual({ kind: "start", fromMs: 3210, loop: null, countIn: false });
    // Clearing while parked touches no audio.
    expect(transition(parked({ loopA: 2000 }), { type: "clear-loop", positionMs: 0 }).effect.kind).toBe(
      "none",
    );
  });

  it("refuses B before A or not after it, and says why", () => {
    expect(transition(parked(), { type: "set-b", atMs: 4000 }).refused).toBe(
      "Set the loop's start (A) first.",
    );
    const t = transition(parked({ loopA: 4000 }), { type: "set-b", atMs: 4000 });
    expect(t.refused).toBe("The loop end must come after its start.");
    expect(t.state.loopA).toBe(4000);
  });

  it("a loop chosen whole parks the playhead at its start, or plays it at once while running", () => {
    const loop = { a: 2500, b: 4500 };
    const idle = transition(parked({ positionMs: 30_000 }), { type: "loop", loop });
    expect(idle.state).toMatchObject({ status: "idle", positionMs: 2500, loop });
    expect(idle.effect.kind).toBe("none");
    const counting = transition(parked({ status: "counting-in" }), { type: "loop", loop });
    expect(counting.state.status).toBe("playing");
    expect(counting.effect).toEqual({ kind: "start", fromMs: 2500, loop, countIn: false });
  });

  it("the trainer's restart at a new tempo keeps the loop and counts in again", () => {
    const loop = { a: 2500, b: 4500 };
    const t = transition(parked({ status: "playing", loop }), { type: "play", countIn: true });
    expect(t.state.status).toBe("counting-in");
    expect(t.effect).toEqual({ kind: "start", fromMs: 2500, loop, countIn: true });
  });

  it("finishing parks the transport where the run started", () => {
    const t = transition(parked({ status: "playing", positionMs: 1000 }), { type: "finish", atMs: 1000 });
    expect(t.state).toMatchObject({ status: "idle", positionMs: 1000 });
    expect(t.effect).toEqual({ kind: "stop" });
  });
});
