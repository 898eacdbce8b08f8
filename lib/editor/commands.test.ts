import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { isRefusal } from "./actions.ts";
import {
  ACTION_LIST,
  actionForEffect,
  EDITOR_ACTIONS,
  type EditorActionName,
  editorActionForKey,
} from "./commands.ts";
import { commit, createDoc, type EditorDoc, toBeatmap, undo } from "./document.ts";
import { HELP_KEY, helpRows } from "./help.ts";
import { type KeyLike, overlaps, sampleKeyPress } from "./keys.ts";
import {
  type Action,
  type ActionResult,
  type AnyAction,
  actionForKey,
  type EditorState,
  type Trigger,
} from "./registry.ts";
import { select } from "./selection.ts";

const key = (k: Partial<KeyLike>): KeyLike => ({
  key: "",
  code: "",
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...k,
});

/** 120 BPM from 500 ms: a beat is 500 ms. */
const groove = (): EditorDoc => createDoc(grooveChart({ bars: 2 }));

function stateOf(doc: EditorDoc, patch: Partial<EditorState> = {}): EditorState {
  return {
    doc,
    divisor: 4,
    tool: "select",
    view: { startMs: 0, pxPerMs: 0.15, width: 1000 },
    playheadMs: 0,
    endMs: 10_000,
    playing: false,
    helpOpen: false,
    timingOpen: false,
    keepBeat: false,
    taps: [],
    lastUnsureId: undefined,
    ...patch,
  };
}

const keyboard: Trigger = { source: "keyboard", timeStamp: 1000 };

function perform<N extends EditorActionName>(
  name: N,
  state: EditorState,
  value?: Parameters<(typeof EDITOR_ACTIONS)[N]["perform"]>[1],
  trigger: Trigger = keyboard,
): ActionResult {
  return (EDITOR_ACTIONS[name] as AnyAction).perform(state, value as never, trigger);
}

/** Applies a result's document part as the editor does (use-editor-actions.ts). */
function applied(state: EditorState, r: ActionResult): EditorDoc {
  if (!r.change) return r.doc ?? state.doc;
  if (isRefusal(r.change)) throw new Error(`refused: ${r.change.refused}`);
  return commit(r.doc ?? state.doc, r.change);
}

const keyed = ACTION_LIST.filter(([, a]) => (a.keys ?? []).length > 0);

describe("the action registry's keys", () => {
  it("reaches every action with a key by each of its keys, Ctrl and Cmd alike", () => {
    expect(keyed.length).toBeGreaterThan(20);
    for (const [name, a] of keyed) {
      for (const binding of a.keys ?? []) {
        const press = sampleKeyPress(binding);
        expect({ name, press, got: editorActionForKey(press) }).toEqual({ name, press, got: name });
        if (binding.mod) {
          const mac = { ...press, ctrlKey: false, metaKey: true };
          expect({ name, mac, got: editorActionForKey(mac) }).toEqual({ name, mac, got: name });
        }
      }
    }
  });

  it("gives no key to two actions", () => {
    const clashes: string[] = [];
    keyed.forEach(([nameA, a], i) => {
      for (const [nameB, b] of keyed.slice(i + 1))
        for (const ka of a.keys ?? [])
          for (const kb of b.keys ?? []) if (overlaps(ka, kb)) clashes.push(`${nameA} and ${nameB}`);
    });
    expect(clashes).toEqual([]);
  });

  it("finds a clash between a code and a key binding, and then runs neither", () => {
    expect(overlaps({ code: "KeyC" }, { key: "c" })).toBe(true);
    expect(overlaps({ code: "KeyN", shift: false }, { code: "KeyN", shift: true })).toBe(false);
    expect(overlaps({ code: "KeyZ", mod: true }, { code: "KeyZ" })).toBe(false);
    const twice: readonly (readonly [string, AnyAction])[] = [
      ["one", EDITOR_ACTIONS.confirm as AnyAction],
      ["two", { ...(EDITOR_ACTIONS.confirm as AnyAction), keys: [{ key: "c" }] }],
    ];
    expect(actionForKey(twice, key({ code: "KeyC", key: "c" }))).toBeNull();
  });

  it("keeps the keys the editor has always had", () => {
    expect(editorActionForKey(key({ code: "KeyZ", key: "z", ctrlKey: true }))).toBe("undo");
    expect(editorActionForKey(key({ code: "KeyZ", key: "Z", metaKey: true, shiftKey: true }))).toBe("redo");
    expect(editorActionForKey(key({ code: "KeyY", key: "y", ctrlKey: true }))).toBe("redo");
    expect(editorActionForKey(key({ code: "KeyC", key: "c" }))).toBe("confirm");
    expect(editorActionForKey(key({ code: "KeyC", key: "c", ctrlKey: true }))).toBe("copy");
    expect(editorActionForKey(key({ code: "Space", key: " " }))).toBe("playPause");
    expect(editorActionForKey(key({ code: "Delete", key: "Delete" }))).toBe("delete");
    expect(editorActionForKey(key({ code: "Backspace", key: "Backspace" }))).toBe("delete");
    expect(editorActionForKey(key({ code: "KeyN", key: "N", shiftKey: true }))).toBe("previousUnsure");
    expect(editorActionForKey(key({ code: "Digit4", key: "4" }))).toBe("place3");
    expect(editorActionForKey(key({ code: "KeyT", key: "t" }))).toBe("tapTempo");
    expect(editorActionForKey(key({ code: "Slash", key: "?", shiftKey: true }))).toBe("help");
    expect(editorActionForKey(key({ code: "Equal", key: "+", shiftKey: true }))).toBe("zoomIn");
    expect(editorActionForKey(key({ code: "KeyQ", key: "q" }))).toBeNull();
    // Alt (AltGr) types characters on many layouts: never a shortcut.
    expect(editorActionForKey(key({ code: "Digit4", key: "4", altKey: true }))).toBeNull();
  });

  it("runs every keyed action on a chart without a value (a key press carries none)", () => {
    const d = select(groove(), [1, 2]);
    for (const [name, a] of keyed) {
      const r = a.perform(stateOf(d, { playheadMs: 1000 }), undefined as never, keyboard);
      expect({ name, isObject: typeof r === "object" }).toEqual({ name, isObject: true });
    }
  });
});

describe("the help panel", () => {
  it("lists every registered action once, with what it does and its keys", () => {
    const rows = helpRows();
    expect(rows.map((r) => r.name)).toEqual(ACTION_LIST.map(([name]) => name));
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    expect(rows.every((r) => r.does.length > 0)).toBe(true);
    const row = (name: EditorActionName) => rows.find((r) => r.name === name)!;
    expect(row("undo").keys).toEqual(["Ctrl+Z"]);
    expect(row("redo").keys).toEqual(["Ctrl+Y", "Ctrl+Shift+Z"]);
    expect(row("previousUnsure").keys).toEqual(["Shift+N"]);
    expect(row("nudgeEarlier").keys).toEqual(["←"]);
    expect(row("moveBar").where).toMatch(/bar line/);
    expect(row("setLane").where).toBe("Selection panel");
    expect(HELP_KEY).toBe("?");
  });

  it("says where an action without a key is found", () => {
    const unreachable = helpRows().filter((r) => r.keys.length === 0 && r.where === "");
    expect(unreachable).toEqual([]);
  });
});

describe("actions on a document", () => {
  it("places a note at the playhead, snapped, as one undoable change", () => {
    const d = groove();
    const s = stateOf(d, { playheadMs: 1130, divisor: 4 });
    const r = perform("place4", s);
    const next = applied(s, r);
    expect(next.notes).toHaveLength(d.notes.length + 1);
    // 1/4 of a 500 ms beat is 125 ms: 1130 snaps to 1125.
    expect(next.notes.some((n) => n.Lane === 4 && n.Time === 1125)).toBe(true);
    expect(toBeatmap(undo(next))).toEqual(toBeatmap(d));
  });

  it("cut keeps the notes on the clipboard and deletes them in one undo step", () => {
    const d = select(groove(), [1, 2]);
    const s = stateOf(d);
    const next = applied(s, perform("cut", s));
    expect(next.clipboard).toHaveLength(2);
    expect(next.notes).toHaveLength(d.notes.length - 2);
    expect(undo(next).notes).toHaveLength(d.notes.length);
  });

  it("a timing edit that sets a swing feel moves the snap to triplets, and only with the edit", () => {
    const s = stateOf(groove(), { divisor: 4 });
    const swing = perform("editTiming", s, {
      build: (t) => ({ ...t, Feel: "swing" }),
      label: "swing",
      feel: "swing",
      seek: 2000,
    });
    expect(swing.divisor).toBe(6);
    expect(swing.seek).toEqual({ ms: 2000 });
    expect(applied(s, swing).chart.Timing?.Feel).toBe("swing");
    const refused = perform("editTiming", s, {
      build: () => ({ refused: "no" }),
      label: "nothing",
      feel: "swing",
    });
    expect(refused).toEqual({ change: { refused: "no" } });
  });

  it("arrows move the selection, or the playhead when nothing is selected", () => {
    const none = perform("nudgeLater", stateOf(groove(), { playheadMs: 500, divisor: 2 }));
    expect(none.change).toBeUndefined();
    expect(none.seek).toEqual({ ms: 750 });
    const s = stateOf(select(groove(), [1]), { divisor: 2 });
    const before = s.doc.notes.find((n) => n.id === 1)!.Time;
    const moved = applied(s, perform("nudgeLater", s));
    expect(moved.notes.find((n) => n.id === 1)!.Time).toBe(before + 250);
  });

  it("undo says so when there is nothing to undo, and the button is disabled", () => {
    const s = stateOf(groove());
    expect(perform("undo", s)).toEqual({ announce: "Nothing to undo." });
    expect((EDITOR_ACTIONS.undo as Action).predicate?.(s)).toBe(false);
  });

  it("tap tempo counts a held key once", () => {
    const s = stateOf(groove());
    expect(perform("tapTempo", s, undefined, { ...keyboard, repeat: true })).toEqual({});
    expect(perform("tapTempo", s, undefined, keyboard)).toEqual({ taps: [1000], timingOpen: true });
    expect(perform("tapTempo", s, 42, { source: "ui", timeStamp: 0 }).taps).toEqual([42]);
  });
});

describe("pointer gestures", () => {
  const point = (ms: number, lane: number | null) => ({ x: 0, y: 0, ms, lane });
  it("are actions once finished; previews are not", () => {
    expect(actionForEffect({ type: "seek", ms: 10 })).toEqual({
      name: "seek",
      value: { ms: 10, follow: false },
    });
    expect(
      actionForEffect({ type: "box", from: point(0, 0), to: point(10, 1), additive: false, done: false }),
    ).toBeNull();
    expect(
      actionForEffect({ type: "box", from: point(0, 0), to: point(10, 1), additive: true, done: true }),
    ).toEqual({ name: "selectBox", value: { from: point(0, 0), to: point(10, 1), additive: true } });
    expect(actionForEffect({ type: "previewMove", noteId: 1, deltaMs: 5, deltaLanes: 0 })).toBeNull();
  });
});
