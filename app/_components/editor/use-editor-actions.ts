"use client";
// The editor's state and the one way to change it: run a registered action (lib/editor/commands.ts)
// and apply what it returns (the "updater" of excalidraw's ActionManager). Keys reach the same
// actions through their bindings; buttons and panels call `run`. Playback stays with the editor's
// audio engine: an action only asks for it (`transport`).
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { isRefusal } from "@/lib/editor/actions.ts";
import {
  type ActionValue,
  EDITOR_ACTIONS,
  type EditorActionName,
  editorActionForKey,
  type Invocation,
} from "@/lib/editor/commands.ts";
import { commit, createDoc, type EditorDoc, type NotePlace } from "@/lib/editor/document.ts";
import type { Action, ActionResult, EditorState, Trigger } from "@/lib/editor/registry.ts";
import { isSnapDivisor } from "@/lib/editor/snap.ts";
import { follow } from "@/lib/editor/viewport.ts";

/** The part of the state the editor keeps in React (the playhead moves every frame, so apart). */
type Held = Omit<EditorState, "playheadMs" | "endMs" | "playing">;

/** What the editor knows outside this hook: the song's end (audio), playback and the timeline. */
export interface EditorSurroundings {
  endMs: number;
  playing: boolean;
  onTransport: (kind: "play" | "pause") => void;
  /** Told where the playhead went (the timeline draws it without a render). */
  onPlayhead: (ms: number) => void;
}

export interface EditorActions {
  /** The state as rendered (after `connect`). */
  state: EditorState;
  /** The state now (between renders too): for callbacks. */
  current: () => EditorState;
  /** Hands over this render's surroundings; call before reading `state`. */
  connect: (surroundings: EditorSurroundings) => void;
  run: <N extends EditorActionName>(name: N, value: ActionValue<N>, trigger?: Partial<Trigger>) => void;
  runInvocation: (call: Invocation, trigger?: Partial<Trigger>) => void;
  /** Moves the playhead (clamped to the song; the view follows unless told not to). */
  setPlayhead: (ms: number, options?: { follow?: boolean }) => void;
  /** The timeline scrolled or zoomed by itself (wheel, resize), or playback follows the playhead. */
  setView: (view: EditorState["view"]) => void;
  setHelpOpen: (open: boolean) => void;
  setTimingOpen: (open: boolean) => void;
  announce: (text: string) => void;
  status: string;
  /** The playhead as of now (the frame loop moves it without a render). */
  playheadRef: RefObject<number>;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

export function useEditorActions(options: {
  initial: Beatmap;
  initialConfirmed?: readonly NotePlace[] | undefined;
  /** Whether the timing tools start open, given the document. */
  openTiming: (doc: EditorDoc) => boolean;
}): EditorActions {
  const [held, setHeldState] = useState<Held>(() => {
    const d = options.initial.Editor?.SnapDivisor ?? 4;
    const doc = createDoc(options.initial, { confirmed: options.initialConfirmed ?? [] });
    return {
      doc,
      divisor: isSnapDivisor(d) ? d : 4,
      tool: "select",
      view: { startMs: 0, pxPerMs: 0.15, width: 0 },
      helpOpen: false,
      timingOpen: options.openTiming(doc),
      keepBeat: false,
      taps: [],
      lastUnsureId: undefined,
    };
  });
  const heldRef = useRef(held);
  const update = useCallback((patch: Partial<Held>) => {
    heldRef.current = { ...heldRef.current, ...patch };
    setHeldState(heldRef.current);
  }, []);
  const [playheadMs, setPlayheadState] = useState(0);
  const playheadRef = useRef(0);
  const [status, setStatus] = useState("");
  const outside = useRef<EditorSurroundings>({
    endMs: 0,
    playing: false,
    onTransport: () => {},
    onPlayhead: () => {},
  });

  const current = useCallback(
    (): EditorState => ({
      ...heldRef.current,
      playheadMs: playheadRef.current,
      endMs: outside.current.endMs,
      playing: outside.current.playing,
    }),
    [],
  );

  const setPlayhead = useCallback(
    (ms: number, o: { follow?: boolean } = {}) => {
      const clamped = Math.max(0, Math.min(outside.current.endMs, ms));
      playheadRef.current = clamped;
      setPlayheadState(clamped);
      outside.current.onPlayhead(clamped);
      if (o.follow !== false) {
        const v = heldRef.current.view;
        const start = follow({ ...v, height: 0, rulerHeight: 0 }, clamped);
        if (start !== v.startMs) update({ view: { ...v, startMs: start } });
      }
    },
    [update],
  );

  const apply = useCallback(
    (r: ActionResult) => {
      const patch: Partial<Held> = {};
      let said = r.announce;
      if (r.change) {
        if (isRefusal(r.change)) {
          setStatus(r.change.refused);
          return;
        }
        const base = r.doc ?? heldRef.current.doc;
        const next = commit(base, r.change);
        if (next === base) return;
        patch.doc = next;
        said ??= `${r.change.label[0]!.toUpperCase()}${r.change.label.slice(1)}.`;
      } else if (r.doc) {
        patch.doc = r.doc;
      }
      for (const key of ["divisor", "tool", "view", "helpOpen", "timingOpen", "keepBeat", "taps"] as const) {
        if (r[key] !== undefined) Object.assign(patch, { [key]: r[key] });
      }
      if (r.lastUnsureId !== undefined) patch.lastUnsureId = r.lastUnsureId;
      update(patch);
      if (r.seek) setPlayhead(r.seek.ms, r.seek.follow === undefined ? {} : { follow: r.seek.follow });
      if (r.transport) outside.current.onTransport(r.transport);
      if (said !== undefined) setStatus(said);
    },
    [setPlayhead, update],
  );

  const run = useCallback(
    <N extends EditorActionName>(name: N, value: ActionValue<N>, trigger: Partial<Trigger> = {}) => {
      const action = EDITOR_ACTIONS[name] as Action<ActionValue<N>>;
      apply(
        action.perform(current(), value, {
          source: trigger.source ?? "ui",
          timeStamp: trigger.timeStamp ?? performance.now(),
          ...(trigger.repeat !== undefined ? { repeat: trigger.repeat } : {}),
        }),
      );
    },
    [apply, current],
  );
  const runInvocation = useCallback(
    (call: Invocation, trigger?: Partial<Trigger>) =>
      (run as (name: EditorActionName, value: unknown, trigger?: Partial<Trigger>) => void)(
        call.name,
        call.value,
        trigger,
      ),
    [run],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const name = editorActionForKey(e);
      if (!name) return;
      // Space and Enter press a focused button; every other key still reaches the editor.
      if ((e.code === "Space" || e.key === "Enter") && e.target instanceof HTMLButtonElement) return;
      e.preventDefault();
      // A key carries no value: actions with keys take none (or, like tap tempo, default it).
      runInvocation({ name, value: undefined } as Invocation, {
        source: "keyboard",
        timeStamp: e.timeStamp,
        repeat: e.repeat,
      });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [runInvocation]);

  return {
    get state() {
      return { ...held, playheadMs, endMs: outside.current.endMs, playing: outside.current.playing };
    },
    current,
    connect: (surroundings) => {
      outside.current = surroundings;
    },
    run,
    runInvocation,
    setPlayhead,
    setView: useCallback((view: EditorState["view"]) => update({ view }), [update]),
    setHelpOpen: useCallback((helpOpen: boolean) => update({ helpOpen }), [update]),
    setTimingOpen: useCallback((timingOpen: boolean) => update({ timingOpen }), [update]),
    announce: setStatus,
    status,
    playheadRef,
  };
}
