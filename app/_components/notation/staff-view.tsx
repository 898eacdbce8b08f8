"use client";
// A chart as drum notation (staff-controller.ts engraves it with alphaTab, loaded on first use).
// Given the practice controller it follows the run: the cursor moves with the audio clock each
// frame, the loop's bars are marked, and a bar's button loops that bar of the chart's grid.
// Shows whatever chart it is handed: the player and the map page pass the level on screen.
import { useEffect, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import { TempoMap } from "@/lib/beatmap/tempo.ts";
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { chartMusicXml } from "./chart-notation.ts";
import styles from "./staff.module.css";
import { StaffController, type StaffState } from "./staff-controller.ts";

export function StaffView(props: {
  beatmap: Beatmap;
  /** The practice run to follow (the player); without it a still sheet (the map page). */
  controller?: PracticeController;
  /** The sheet's accessible name. */
  label: string;
}) {
  const { beatmap, controller, label } = props;
  const host = useRef<HTMLDivElement>(null);
  const staff = useRef<StaffController | null>(null);
  const [state, setState] = useState<StaffState>({ kind: "loading" });

  useEffect(() => {
    const box = host.current;
    if (!box) return;
    const follow = controller ?? null;
    const c = new StaffController(box, {
      classes: {
        sheet: styles.sheet!,
        chunk: styles.chunk!,
        cursor: styles.cursor!,
        bar: styles.bar!,
        looped: styles.looped!,
      },
      ...(follow
        ? {
            barLabel: (bar, timing) => {
              const grid = timing.gridBar(bar);
              return grid === null ? null : `Loop bar ${grid}`;
            },
            onBarChosen: (bar, timing) => {
              const grid = timing.gridBar(bar);
              if (grid !== null) follow.loopBars(grid, grid);
            },
          }
        : {}),
    });
    staff.current = c;
    let cancelled = false;
    setState({ kind: "loading" });
    const tempo = follow?.prepared.tempo ?? TempoMap.fromTiming(beatmap.Timing);
    chartMusicXml(beatmap)
      .then((xml) => c.load(xml, tempo))
      .then(
        (s) => {
          if (cancelled) return;
          if (follow) {
            c.setPosition(follow.playhead.get().positionMs);
            c.setLoop(follow.transport.loop);
          }
          setState(s);
        },
        (e: unknown) => {
          if (!cancelled) setState({ kind: "error", message: e instanceof Error ? e.message : String(e) });
        },
      );
    // Engraving takes a few hundred ms on a long chart: once the width has settled, not per frame
    // of a window being dragged wider.
    let settle: ReturnType<typeof setTimeout> | undefined;
    const resized = new ResizeObserver(() => {
      clearTimeout(settle);
      settle = setTimeout(() => c.resize(), 200);
    });
    resized.observe(box);
    return () => {
      cancelled = true;
      clearTimeout(settle);
      resized.disconnect();
      c.dispose();
      staff.current = null;
    };
  }, [beatmap, controller]);

  // Every frame of a run: the playhead the controller read from the audio clock, straight to the
  // cursor (a transform; React does not render per frame).
  useEffect(() => {
    if (!controller) return;
    const { playhead, view } = controller;
    const offPlayhead = playhead.subscribe(() => staff.current?.setPosition(playhead.get().positionMs));
    let loop = view.get().transport.loop;
    const offView = view.subscribe(() => {
      const next = view.get().transport.loop;
      if (next === loop) return;
      loop = next;
      staff.current?.setLoop(next);
    });
    return () => {
      offPlayhead();
      offView();
    };
  }, [controller]);

  return (
    <section
      className={styles.frame}
      aria-label={label}
      aria-busy={state.kind === "loading"}
      data-testid="staff"
      data-state={state.kind}
      data-notes={beatmap.HitObjects.length}
    >
      {state.kind === "loading" ? (
        <p className={styles.status} role="status">
          Engraving the notation…
        </p>
      ) : null}
      {state.kind === "error" ? (
        <p className={styles.status} role="alert">
          {state.message}
        </p>
      ) : null}
      {state.kind === "ready" && controller ? (
        <p className="visually-hidden">Each bar is a button: choose one to loop it.</p>
      ) : null}
      <div ref={host} className={`${styles.paper} ${controller ? styles.player : styles.still}`} />
    </section>
  );
}
