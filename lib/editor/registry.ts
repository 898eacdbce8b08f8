// The editor's actions and how they are found (after excalidraw's ActionManager, actions/manager.tsx
// and actions/types.ts): each action has a name, a label, `perform(state, value) → result`, its key
// bindings, a predicate (is it possible now?) and the panel it sits in. The key handler, the
// toolbar's and panels' buttons and the help panel all read the one registry (commands.ts), so a
// new command is one entry, and what the help says is what the keys do.
//
// `perform` is pure: it reads an EditorState and returns what should change. The editor component
// applies the result (use-editor-actions.ts): an edit of the chart goes through the document's
// `commit`, so undo / redo, autosave, the diff and a fix proposal see an ordinary change.
import type { Feel, Timing } from "../beatmap/index.ts";
import type { EditResult, Refusal } from "./actions.ts";
import type { EditorDoc } from "./document.ts";
import { type KeyBinding, type KeyLike, matches } from "./keys.ts";
import type { Tool } from "./pointer-tool.ts";
import type { SnapDivisor } from "./snap.ts";

/** What an action can read: the document and the editor's view of it. */
export interface EditorState {
  doc: EditorDoc;
  divisor: SnapDivisor;
  tool: Tool;
  view: { startMs: number; pxPerMs: number; width: number };
  playheadMs: number;
  /** The end of the song (or of the last note when no audio is loaded). */
  endMs: number;
  playing: boolean;
  helpOpen: boolean;
  timingOpen: boolean;
  /** "Move notes with the grid": a timing edit keeps the notes' beats instead of their times. */
  keepBeat: boolean;
  taps: readonly number[];
  /** The unsure note "next unsure" went to last (so the next press moves on). */
  lastUnsureId: number | undefined;
}

/**
 * What should change. Everything is optional; when `change` is refused or changes nothing, the
 * rest is not applied (a timing edit's snap and seek belong to the edit), only the refusal is said.
 */
export interface ActionResult {
  /** An edit of the chart, committed to the document: one undo step, autosaved, in the diff. */
  change?: EditResult;
  /** The document without an undo step: selection, clipboard, or the result of undo / redo. */
  doc?: EditorDoc;
  divisor?: SnapDivisor;
  tool?: Tool;
  view?: EditorState["view"];
  /** Move the playhead (the view follows unless `follow` is false). */
  seek?: { ms: number; follow?: boolean };
  helpOpen?: boolean;
  timingOpen?: boolean;
  keepBeat?: boolean;
  taps?: readonly number[];
  lastUnsureId?: number;
  /** Playback is the audio engine's, outside the state: start or stop it. */
  transport?: "play" | "pause";
  /** For the live region; a committed change announces its own label when this is absent. */
  announce?: string;
}

/** Where an action was started from. Key presses carry auto-repeat; tap tempo needs the time. */
export interface Trigger {
  source: "keyboard" | "ui" | "pointer";
  /** `Event.timeStamp` (ms on the page's clock). */
  timeStamp: number;
  repeat?: boolean;
}

/**
 * Where an action appears besides the help panel. "toolbar" and "transport" are generated
 * button rows, "selection" and "timing" the panels of those names, "timeline" the pointer on the
 * timeline, "keyboard" keys only.
 */
export type Panel = "transport" | "toolbar" | "selection" | "timing" | "timeline" | "keyboard";

export interface Action<V = void> {
  /** Short, for a button: "Undo", "Zoom in". */
  label: string;
  /** For the help panel, when the label alone does not say it. */
  description?: string;
  keys?: readonly KeyBinding[];
  /** The pointer gesture that does it, for the help panel ("Drag on empty space"). */
  pointer?: string;
  panel: Panel;
  /** Whether the action can do anything now; a button for it is disabled otherwise. */
  predicate?: (state: EditorState) => boolean;
  perform: (state: EditorState, value: V, trigger: Trigger) => ActionResult;
  /** A button's text when it is not the label ("Next unsure (3)", "Pause"). */
  text?: (state: EditorState) => string;
  /** A button's symbol, with the label as its accessible name ("−" for "Zoom out"). */
  icon?: string;
  title?: (state: EditorState) => string | undefined;
  /** A toggle button's state (aria-pressed). */
  pressed?: (state: EditorState) => boolean;
}

/** An action of any value type, as the registry lists it. */
export type AnyAction = Action<never>;

/** The values the timing tools hand to the "editTiming" action (app/_components/editor/timing-panel.tsx). */
export interface TimingEditValue {
  build: (timing: Timing) => Timing | Refusal;
  label: string;
  /** The section's new feel (the snap follows). */
  feel?: Feel;
  /** Where the playhead goes after the edit. */
  seek?: number;
}

export const isEnabled = (action: AnyAction, state: EditorState): boolean =>
  action.predicate ? action.predicate(state) : true;

/**
 * The one action a key press means, or null. As in excalidraw, a press that two actions claim does
 * nothing (the registry's tests keep that from happening).
 */
export function actionForKey<N extends string>(
  actions: readonly (readonly [N, AnyAction])[],
  e: KeyLike,
): N | null {
  const hits = actions.filter(([, a]) => a.keys?.some((k) => matches(k, e)));
  return hits.length === 1 ? hits[0]![0] : null;
}
