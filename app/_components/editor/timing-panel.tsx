"use client";
// The chart's timing: first BPM, offset (time of the first beat), time signature, timing points,
// and the global shift. Edits go through lib/editor/actions.ts; by default notes keep their time
// (the grid moves under them), "Move notes with the grid" keeps their beat instead.
import { type FormEvent, useState } from "react";
import type { Timing } from "@/lib/beatmap/index.ts";
import styles from "./editor.module.css";

export type TimingRequest =
  | { kind: "set"; timing: Timing; keepBeat: boolean; label: string }
  | { kind: "addPoint"; point: Timing["TimingPoints"][number]; keepBeat: boolean }
  | { kind: "removePoint"; time: number; keepBeat: boolean }
  | { kind: "shift"; deltaMs: number };

const num = (form: FormData, name: string) => Number(form.get(name));

export function TimingPanel({
  timing,
  playheadMs,
  onRequest,
}: {
  timing: Timing;
  playheadMs: number;
  onRequest: (r: TimingRequest) => void;
}) {
  const [keepBeat, setKeepBeat] = useState(false);
  const [shift, setShift] = useState("0");

  const onBase = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    onRequest({
      kind: "set",
      keepBeat,
      label: "change BPM / offset",
      timing: {
        ...timing,
        Bpm: num(f, "bpm"),
        Offset: num(f, "offset"),
        TimeSignature: String(f.get("ts") || "4/4"),
      },
    });
  };

  const onPoint = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ts = String(f.get("ts") || "");
    onRequest({
      kind: "addPoint",
      keepBeat,
      point: {
        Time: Math.round(playheadMs * 1000) / 1000,
        Bpm: num(f, "bpm"),
        ...(ts ? { TimeSignature: ts } : {}),
      },
    });
  };

  return (
    <details className={styles.panel}>
      <summary>
        Timing: {timing.Bpm} BPM, first beat at {timing.Offset} ms
      </summary>
      <label className={styles.check}>
        <input type="checkbox" checked={keepBeat} onChange={(e) => setKeepBeat(e.target.checked)} /> Move
        notes with the grid (otherwise notes stay where they are heard)
      </label>
      <form
        onSubmit={onBase}
        className={styles.row}
        key={`${timing.Bpm}-${timing.Offset}-${timing.TimeSignature}`}
      >
        <label>
          BPM{" "}
          <input
            name="bpm"
            type="number"
            step="0.001"
            min="20"
            max="1000"
            defaultValue={timing.Bpm}
            required
          />
        </label>
        <label>
          First beat (ms){" "}
          <input name="offset" type="number" step="0.001" defaultValue={timing.Offset} required />
        </label>
        <label>
          Time signature{" "}
          <input name="ts" pattern="\d{1,2}/\d{1,2}" defaultValue={timing.TimeSignature} size={4} required />
        </label>
        <button type="submit">Apply timing</button>
      </form>
      <h3 className={styles.subhead}>Timing points</h3>
      {timing.TimingPoints.length === 0 ? (
        <p className={styles.hint}>None: one tempo for the whole song.</p>
      ) : null}
      <ul className={styles.points}>
        {timing.TimingPoints.map((p) => (
          <li key={p.Time}>
            {(p.Time / 1000).toFixed(3)} s: {p.Bpm} BPM{p.TimeSignature ? `, ${p.TimeSignature}` : ""}{" "}
            <button
              type="button"
              aria-label={`Remove the timing point at ${(p.Time / 1000).toFixed(3)} s`}
              onClick={() => onRequest({ kind: "removePoint", time: p.Time, keepBeat })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={onPoint} className={styles.row}>
        <label>
          New BPM <input name="bpm" type="number" step="0.001" min="20" max="1000" required />
        </label>
        <label>
          Time signature (optional) <input name="ts" pattern="\d{1,2}/\d{1,2}" size={4} />
        </label>
        <button type="submit">Add timing point at the playhead ({(playheadMs / 1000).toFixed(3)} s)</button>
      </form>
      <h3 className={styles.subhead}>Shift everything</h3>
      <form
        className={styles.row}
        onSubmit={(e) => {
          e.preventDefault();
          onRequest({ kind: "shift", deltaMs: Number(shift) });
        }}
      >
        <label>
          By (ms, negative = earlier){" "}
          <input type="number" step="1" value={shift} onChange={(e) => setShift(e.target.value)} />
        </label>
        <button type="submit">Shift notes and grid</button>
      </form>
    </details>
  );
}
