"use client";
// The player's "Highway | Notation" switch. It sits just before the player's stage (the highway,
// count-in and HUD): with Notation chosen the stage is hidden (staff.module.css, `.notationOn +
// .player-stage`) and the staff of the chart being practised takes its place, following the run.
import { useEffect, useMemo, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { LazyStaffView } from "./lazy-staff-view.tsx";
import { practicedBeatmap } from "./practiced-chart.ts";
import styles from "./staff.module.css";

export type PlayerView = "highway" | "notation";

export function NotationSwitch(props: { controller: PracticeController; beatmap: Beatmap; title: string }) {
  const { controller, beatmap, title } = props;
  const [view, setView] = useState<PlayerView>("highway");
  // The controller swaps its prepared chart when the kit or the level changes (between runs).
  const [prepared, setPrepared] = useState(() => controller.prepared);
  useEffect(() => controller.view.subscribe(() => setPrepared(controller.prepared)), [controller]);
  const shown = useMemo(() => practicedBeatmap(beatmap, prepared), [beatmap, prepared]);
  return (
    <div className={view === "notation" ? styles.notationOn : undefined} data-testid="player-view">
      <fieldset className={styles.switch}>
        <legend className="visually-hidden">Show the chart as</legend>
        {(["highway", "notation"] as const).map((v) => (
          <button
            key={v}
            type="button"
            className="secondary"
            aria-pressed={view === v}
            onClick={() => setView(v)}
          >
            {v === "highway" ? "Highway" : "Notation"}
          </button>
        ))}
      </fieldset>
      {view === "notation" ? (
        <LazyStaffView beatmap={shown} controller={controller} label={`${title} as drum notation`} />
      ) : null}
    </div>
  );
}
