"use client";
// The e2e tests' window into the editor (window.__beatsightEditor): where notes are drawn, how often
// each layer was drawn, the playhead, autosave and the audio engine.
import { type RefObject, useEffect, useRef } from "react";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { noteById } from "@/lib/editor/document.ts";
import type { EditorState } from "@/lib/editor/registry.ts";
import { laneY, msToX, type Viewport } from "@/lib/editor/viewport.ts";
import { RULER_HEIGHT, type TimelineHandle } from "./timeline-view.tsx";
import type { EditorAudio } from "./use-editor-audio.ts";

/** Test hook: where notes are drawn, and how often each layer was drawn. */
export interface EditorTestHandle {
  notes: () => { id: number; time: number; lane: number; component: string; confirmed: boolean }[];
  /** A note's centre in CSS px relative to the timeline box. */
  notePoint: (id: number) => { x: number; y: number } | null;
  pointAt: (ms: number, lane: number) => { x: number; y: number };
  selection: () => number[];
  renderCounts: () => { static: number; live: number };
  playheadMs: () => number;
  /** An edit is waiting to be written to the device. */
  unsaved: () => boolean;
  /** The chart's timing as edited. */
  timing: () => Beatmap["Timing"];
  /** What the audio engine has and where its clock is (seconds of the AudioContext). */
  audio: () => {
    loaded: boolean;
    durationMs: number;
    playing: boolean;
    contextTime: number;
    waveform: boolean;
  };
}

declare global {
  interface Window {
    __beatsightEditor?: EditorTestHandle;
  }
}

export function useEditorTestHandle(options: {
  current: () => EditorState;
  timeline: RefObject<TimelineHandle | null>;
  unsaved: () => boolean;
  audio: EditorAudio;
}) {
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    const state = () => latest.current.current();
    const vpOf = (): Viewport => {
      const box = document.querySelector('[data-testid="timeline"]') as HTMLElement | null;
      const { startMs, pxPerMs } = state().view;
      return {
        startMs,
        pxPerMs,
        width: box?.clientWidth ?? 0,
        height: box?.clientHeight ?? 0,
        rulerHeight: RULER_HEIGHT,
      };
    };
    window.__beatsightEditor = {
      notes: () =>
        state().doc.notes.map((n) => ({
          id: n.id,
          time: n.Time,
          lane: n.Lane,
          component: n.Component,
          confirmed: Boolean(n.confirmed),
        })),
      notePoint: (id) => {
        const n = noteById(state().doc, id);
        if (!n) return null;
        const vp = vpOf();
        return { x: msToX(vp, n.Time), y: laneY(vp, n.Lane) };
      },
      pointAt: (ms, lane) => {
        const vp = vpOf();
        return { x: msToX(vp, ms), y: laneY(vp, lane) };
      },
      selection: () => [...state().doc.selection],
      renderCounts: () => ({
        ...(latest.current.timeline.current?.renderer()?.counts ?? { static: 0, live: 0 }),
      }),
      playheadMs: () => state().playheadMs,
      unsaved: () => latest.current.unsaved(),
      timing: () => state().doc.chart.Timing,
      audio: () => {
        const { engine, peaks } = latest.current.audio;
        return {
          loaded: engine?.hasAudio ?? false,
          durationMs: engine?.audioDurationMs ?? 0,
          playing: engine?.playing ?? false,
          contextTime: engine?.ctx.currentTime ?? 0,
          waveform: peaks !== null,
        };
      },
    };
    return () => {
      delete window.__beatsightEditor;
    };
  }, []);
}
