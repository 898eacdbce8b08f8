import { describe, expect, it } from "vitest";
import { type PointerPoint, type ToolEvent, type ToolState, transition } from "./pointer-tool.ts";

const pt = (x: number, lane: number | null = 2): PointerPoint => ({
  x,
  y: lane === null ? 5 : 40,
  ms: x * 10,
  lane,
});

function run(events: ToolEvent[]) {
  let state: ToolState = { kind: "idle" };
  const effects = [];
  for (const e of events) {
    const r = transition(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

const down = (
  x: number,
  noteId: number | null,
  extra: Partial<Extract<ToolEvent, { type: "down" }>> = {},
): ToolEvent => ({
  type: "down",
  point: pt(x),
  noteId,
  noteSelected: false,
  toggle: false,
  tool: "select",
  ...extra,
});

describe("timeline pointer tool", () => {
  it("click on a note selects just it", () => {
    const r = run([down(10, 7), { type: "up", point: pt(11), tool: "select" }]);
    expect(r.state.kind).toBe("idle");
    expect(r.effects).toEqual([
      { type: "select", ids: [7], mode: "replace" },
      { type: "select", ids: [7], mode: "replace" },
    ]);
  });

  it("shift-click toggles without replacing", () => {
    const r = run([
      down(10, 7, { toggle: true, noteSelected: true }),
      { type: "up", point: pt(10), tool: "select" },
    ]);
    expect(r.effects).toEqual([{ type: "select", ids: [7], mode: "toggle" }]);
  });

  it("dragging a note previews, then commits the move with lane change", () => {
    const r = run([
      down(10, 7, { noteSelected: true }),
      { type: "move", point: pt(12) },
      { type: "move", point: pt(30, 3) },
      { type: "up", point: pt(40, 4), tool: "select" },
    ]);
    expect(r.effects[0]).toEqual({ type: "previewMove", noteId: 7, deltaMs: 200, deltaLanes: 1 });
    expect(r.effects.at(-1)).toEqual({ type: "commitMove", noteId: 7, deltaMs: 300, deltaLanes: 2 });
    expect(r.effects).toContainEqual({ type: "clearPreview" });
  });

  it("a shaky click below the threshold is still a click", () => {
    const r = run([
      down(10, null),
      { type: "move", point: pt(10.2) },
      { type: "up", point: pt(10.2), tool: "draw" },
    ]);
    expect(r.effects).toEqual([{ type: "addNote", ms: 100, lane: 2 }]);
  });

  it("click on empty space with the select tool clears the selection and moves the playhead", () => {
    const r = run([down(10, null), { type: "up", point: pt(10), tool: "select" }]);
    expect(r.effects).toEqual([{ type: "clearSelection" }, { type: "seek", ms: 100 }]);
  });

  it("dragging on empty space box-selects; cancel clears the preview", () => {
    const r = run([
      down(10, null, { toggle: true }),
      { type: "move", point: pt(50, 5) },
      { type: "up", point: pt(60, 5), tool: "select" },
    ]);
    expect(r.effects.at(-1)).toEqual({
      type: "box",
      from: pt(10),
      to: pt(60, 5),
      additive: true,
      done: true,
    });
    const c = run([down(10, 3, { noteSelected: true }), { type: "move", point: pt(50) }, { type: "cancel" }]);
    expect(c.state.kind).toBe("idle");
    expect(c.effects.at(-1)).toEqual({ type: "clearPreview" });
    expect(c.effects.some((e) => e.type === "commitMove")).toBe(false);
  });

  it("pressing the ruler scrubs the playhead", () => {
    const r = run([
      { ...down(10, null), point: pt(10, null) } as ToolEvent,
      { type: "move", point: pt(20, null) },
      { type: "up", point: pt(20, null), tool: "select" },
    ]);
    expect(r.effects).toEqual([
      { type: "seek", ms: 100 },
      { type: "seek", ms: 200 },
    ]);
  });

  it("dragging a bar line's handle on the ruler previews the grid, then moves the bar", () => {
    const r = run([
      { ...down(10, null, { barMs: 95 }), point: pt(10, null) } as ToolEvent,
      { type: "move", point: pt(12, null) },
      { type: "move", point: pt(30, null) },
      { type: "up", point: pt(31, null), tool: "select" },
    ]);
    expect(r.state.kind).toBe("idle");
    // The bar moves by as much as the pointer did (it need not be pressed at its exact centre).
    expect(r.effects).toEqual([
      { type: "previewBar", barMs: 95, toMs: 295 },
      { type: "clearPreview" },
      { type: "moveBar", barMs: 95, toMs: 305 },
    ]);
  });

  it("a click on a bar handle moves the playhead; a cancelled bar drag moves nothing", () => {
    const click = run([
      { ...down(10, null, { barMs: 95 }), point: pt(10, null) } as ToolEvent,
      { type: "up", point: pt(11, null), tool: "select" },
    ]);
    expect(click.effects).toEqual([{ type: "seek", ms: 100 }]);
    const cancelled = run([
      { ...down(10, null, { barMs: 95 }), point: pt(10, null) } as ToolEvent,
      { type: "move", point: pt(40, null) },
      { type: "cancel" },
    ]);
    expect(cancelled.effects.at(-1)).toEqual({ type: "clearPreview" });
    expect(cancelled.effects.some((e) => e.type === "moveBar")).toBe(false);
  });
});
