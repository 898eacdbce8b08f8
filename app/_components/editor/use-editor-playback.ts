"use client";
// Playing the song in the editor: the audio engine's clock moves the playhead once a frame (drawn
// by the timeline without a React render; the clock's <output> is written directly), the view
// follows, and playback stops at the end of the song.
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import { follow } from "@/lib/editor/viewport.ts";
import type { PracticeAudioEngine } from "@/lib/practice/audio-engine.ts";
import type { EditorActions } from "./use-editor-actions.ts";

export function formatTime(ms: number): string {
  const s = Math.max(0, ms / 1000);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(3).padStart(6, "0")}`;
}

export function useEditorPlayback(options: {
  engine: PracticeAudioEngine | null;
  endMs: number;
  editor: EditorActions;
  onFrame: (playheadMs: number) => void;
  clock: RefObject<HTMLOutputElement | null>;
}) {
  const { engine, endMs, editor, onFrame, clock } = options;
  const { setPlayhead, playheadRef, current, setView, announce } = editor;
  const [playing, setPlaying] = useState(false);
  const raf = useRef<number | null>(null);

  const frame = useCallback(
    (now: number) => {
      if (!engine?.playing) return;
      engine.refreshClock();
      const song = engine.songAtPerf(now);
      if (Number.isFinite(song)) {
        playheadRef.current = Math.max(0, song);
        onFrame(playheadRef.current);
        const shown = `${formatTime(playheadRef.current)} / ${formatTime(endMs)}`;
        if (clock.current && clock.current.textContent !== shown) clock.current.textContent = shown;
        const v = current().view;
        const start = follow({ ...v, height: 0, rulerHeight: 0 }, playheadRef.current);
        if (start !== v.startMs) setView({ ...v, startMs: start });
        if (song > endMs) {
          engine.stop();
          setPlaying(false);
          setPlayhead(endMs, { follow: false });
          return;
        }
      }
      raf.current = requestAnimationFrame(frame);
    },
    [engine, endMs, setPlayhead, playheadRef, onFrame, clock, current, setView],
  );

  const pause = useCallback(() => {
    if (raf.current !== null) cancelAnimationFrame(raf.current);
    raf.current = null;
    if (!engine?.playing) return;
    const pos = engine.stop();
    setPlaying(false);
    setPlayhead(Number.isFinite(pos) ? pos : playheadRef.current);
    announce("Paused.");
  }, [engine, announce, setPlayhead, playheadRef]);

  const play = useCallback(async () => {
    if (!engine) return;
    try {
      const from = playheadRef.current >= endMs - 50 ? 0 : playheadRef.current;
      await engine.play({ fromMs: from, rate: 1 });
      setPlaying(true);
      announce(engine.hasAudio ? "Playing." : "Playing (no audio loaded: the metronome only if it is on).");
      if (raf.current !== null) cancelAnimationFrame(raf.current);
      raf.current = requestAnimationFrame(frame);
    } catch (e) {
      announce(`Audio could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, [engine, announce, endMs, frame, playheadRef]);

  useEffect(
    () => () => {
      if (raf.current !== null) cancelAnimationFrame(raf.current);
    },
    [],
  );

  const transport = useCallback(
    (kind: "play" | "pause") => {
      if (kind === "pause") pause();
      // The engine's own state decides, as a key press may come before React renders "playing".
      else if (engine?.playing) pause();
      else void play();
    },
    [engine, pause, play],
  );

  return { playing, transport };
}
