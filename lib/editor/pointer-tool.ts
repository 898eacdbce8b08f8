// The pointer on the timeline as a small state machine (after tldraw's StateNode tools):
// idle → pointing → dragging (a note was pressed) or box-selecting (empty space was pressed),
// and back to idle on release. On the ruler a press scrubs the playhead, except on a bar line's
// handle: that drags the bar line (pointing at a bar → dragging a bar), which moves the grid. Transitions return effects; the view applies them (selection,
// preview, commit), so the rules for what a click or a drag does live here and are unit-tested.

export interface PointerPoint {
  x: number;
  y: number;
  /** Song ms under the pointer (unsnapped). */
  ms: number;
  /** Lane under the pointer, null on the ruler. */
  lane: number | null;
}

export type Tool = "select" | "draw";

export type ToolState =
  | { kind: "idle" }
  | { kind: "pointing"; start: PointerPoint; noteId: number | null; wasSelected: boolean; toggle: boolean }
  | { kind: "dragging"; start: PointerPoint; noteId: number; current: PointerPoint }
  | { kind: "boxSelecting"; start: PointerPoint; current: PointerPoint; additive: boolean }
  | { kind: "scrubbing" }
  | { kind: "pointingBar"; start: PointerPoint; barMs: number }
  | { kind: "draggingBar"; start: PointerPoint; barMs: number };

export type ToolEvent =
  | {
      type: "down";
      point: PointerPoint;
      /** The note under the pointer, if any, and whether it is selected now. */
      noteId: number | null;
      noteSelected: boolean;
      /** The bar line whose handle is under the pointer on the ruler, if any. */
      barMs?: number | null;
      /** Shift / Ctrl / Cmd held: add to or toggle the selection. */
      toggle: boolean;
      tool: Tool;
    }
  | { type: "move"; point: PointerPoint }
  | { type: "up"; point: PointerPoint; tool: Tool }
  | { type: "cancel" };

export type ToolEffect =
  | { type: "select"; ids: number[]; mode: "replace" | "toggle" }
  | { type: "clearSelection" }
  | { type: "seek"; ms: number }
  | { type: "addNote"; ms: number; lane: number }
  | { type: "previewMove"; noteId: number; deltaMs: number; deltaLanes: number }
  | { type: "commitMove"; noteId: number; deltaMs: number; deltaLanes: number }
  | { type: "box"; from: PointerPoint; to: PointerPoint; additive: boolean; done: boolean }
  | { type: "previewBar"; barMs: number; toMs: number }
  | { type: "moveBar"; barMs: number; toMs: number }
  | { type: "clearPreview" };

/** Pixels the pointer may wander before a press becomes a drag (a shaky click is still a click). */
export const DRAG_THRESHOLD_PX = 4;

const far = (a: PointerPoint, b: PointerPoint) => Math.hypot(a.x - b.x, a.y - b.y) > DRAG_THRESHOLD_PX;

function moveDelta(start: PointerPoint, current: PointerPoint) {
  const deltaLanes = start.lane !== null && current.lane !== null ? current.lane - start.lane : 0;
  return { deltaMs: current.ms - start.ms, deltaLanes };
}

export function transition(state: ToolState, event: ToolEvent): { state: ToolState; effects: ToolEffect[] } {
  switch (event.type) {
    case "down": {
      const p = event.point;
      if (p.lane === null && event.barMs != null) {
        return { state: { kind: "pointingBar", start: p, barMs: event.barMs }, effects: [] };
      }
      if (p.lane === null) return { state: { kind: "scrubbing" }, effects: [{ type: "seek", ms: p.ms }] };
      const effects: ToolEffect[] = [];
      // Pressing an unselected note selects it at once, so dragging it moves just that note.
      if (event.noteId !== null && !event.noteSelected && !event.toggle) {
        effects.push({ type: "select", ids: [event.noteId], mode: "replace" });
      }
      return {
        state: {
          kind: "pointing",
          start: p,
          noteId: event.noteId,
          wasSelected: event.noteSelected,
          toggle: event.toggle,
        },
        effects,
      };
    }
    case "move": {
      const p = event.point;
      if (state.kind === "scrubbing") return { state, effects: [{ type: "seek", ms: p.ms }] };
      if (state.kind === "pointingBar" || state.kind === "draggingBar") {
        if (state.kind === "pointingBar" && Math.abs(p.x - state.start.x) <= DRAG_THRESHOLD_PX) {
          return { state, effects: [] };
        }
        return {
          state: { kind: "draggingBar", start: state.start, barMs: state.barMs },
          effects: [{ type: "previewBar", barMs: state.barMs, toMs: state.barMs + p.ms - state.start.ms }],
        };
      }
      if (state.kind === "pointing") {
        if (!far(state.start, p)) return { state, effects: [] };
        if (state.noteId !== null) {
          const effects: ToolEffect[] = [];
          // Shift-dragging an unselected note adds it to the selection first.
          if (state.toggle && !state.wasSelected)
            effects.push({ type: "select", ids: [state.noteId], mode: "toggle" });
          effects.push({ type: "previewMove", noteId: state.noteId, ...moveDelta(state.start, p) });
          return {
            state: { kind: "dragging", start: state.start, noteId: state.noteId, current: p },
            effects,
          };
        }
        return {
          state: { kind: "boxSelecting", start: state.start, current: p, additive: state.toggle },
          effects: [{ type: "box", from: state.start, to: p, additive: state.toggle, done: false }],
        };
      }
      if (state.kind === "dragging") {
        return {
          state: { ...state, current: p },
          effects: [{ type: "previewMove", noteId: state.noteId, ...moveDelta(state.start, p) }],
        };
      }
      if (state.kind === "boxSelecting") {
        return {
          state: { ...state, current: p },
          effects: [{ type: "box", from: state.start, to: p, additive: state.additive, done: false }],
        };
      }
      return { state, effects: [] };
    }
    case "up": {
      const idle: ToolState = { kind: "idle" };
      if (state.kind === "draggingBar") {
        return {
          state: idle,
          effects: [
            { type: "clearPreview" },
            { type: "moveBar", barMs: state.barMs, toMs: state.barMs + event.point.ms - state.start.ms },
          ],
        };
      }
      // A click on a bar handle (no drag) moves the playhead, as the rest of the ruler does.
      if (state.kind === "pointingBar")
        return { state: idle, effects: [{ type: "seek", ms: state.start.ms }] };
      if (state.kind === "dragging") {
        return {
          state: idle,
          effects: [
            { type: "clearPreview" },
            { type: "commitMove", noteId: state.noteId, ...moveDelta(state.start, event.point) },
          ],
        };
      }
      if (state.kind === "boxSelecting") {
        return {
          state: idle,
          effects: [
            { type: "clearPreview" },
            { type: "box", from: state.start, to: event.point, additive: state.additive, done: true },
          ],
        };
      }
      if (state.kind === "pointing") {
        // A click (no drag).
        if (state.noteId !== null) {
          if (state.toggle)
            return { state: idle, effects: [{ type: "select", ids: [state.noteId], mode: "toggle" }] };
          return { state: idle, effects: [{ type: "select", ids: [state.noteId], mode: "replace" }] };
        }
        if (event.tool === "draw" && state.start.lane !== null) {
          return { state: idle, effects: [{ type: "addNote", ms: state.start.ms, lane: state.start.lane }] };
        }
        return {
          state: idle,
          effects: state.toggle ? [] : [{ type: "clearSelection" }, { type: "seek", ms: state.start.ms }],
        };
      }
      return { state: idle, effects: [] };
    }
    case "cancel":
      return {
        state: { kind: "idle" },
        effects:
          state.kind === "dragging" || state.kind === "boxSelecting" || state.kind === "draggingBar"
            ? [{ type: "clearPreview" }]
            : [],
      };
  }
}
