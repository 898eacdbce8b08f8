"use client";
import { type FormEvent, type KeyboardEvent, useState } from "react";
import {
  describeSection,
  formatBars,
  formatSongTime,
  type GridSummary,
  sectionIndexAt,
} from "@/lib/beatmap/grid-sections.ts";
import type { Feel, Timing } from "@/lib/beatmap/index.ts";
// The timing tools: how sure the generator was of the grid, then the tempo section at the playhead
// (BPM, start, meter, feel; ×2 / ×½ / ×3⁄2 / ×2⁄3; tap tempo; split, remove, mark as right), every
// section at a glance, and the global shift. Each tool builds the next Timing with
// lib/editor/tempo-tools.ts and hands it to the editor, which commits it as an ordinary change; by
// default notes keep their time (the grid moves under them), "Move notes with the grid" keeps
// their beat instead. Bar lines can also be dragged on the timeline's ruler.
import type { Refusal } from "@/lib/editor/actions.ts";
import { TAPS_TO_APPLY, tappedBpm } from "@/lib/editor/tap-tempo.ts";
import {
  addSectionAt,
  confirmSectionGrid,
  editSection,
  METRIC_FIXES,
  removeSection,
  scaleSectionTempo,
  splitBarNear,
} from "@/lib/editor/tempo-tools.ts";
import { GridNotice } from "../grid-notice.tsx";
import styles from "./editor.module.css";

export type TimingEdit = (
  build: (timing: Timing) => Timing | Refusal,
  label: string,
  /** feel: the section's new feel (the snap follows); seek: where to put the playhead after. */
  options?: { feel?: Feel; seek?: number },
) => void;

const round1 = (v: number) => Math.round(v * 10) / 10;
const num = (form: FormData, name: string) => Number(form.get(name));

export function TimingPanel(props: {
  timing: Timing;
  grid: GridSummary;
  playheadMs: number;
  open: boolean;
  onToggle: (open: boolean) => void;
  keepBeat: boolean;
  onKeepBeat: (keep: boolean) => void;
  taps: readonly number[];
  onTap: (atMs: number) => void;
  onResetTaps: () => void;
  onEdit: TimingEdit;
  onShift: (deltaMs: number) => void;
  onSeek: (ms: number) => void;
}) {
  const { timing, grid, playheadMs, taps, onEdit } = props;
  const [shift, setShift] = useState("0");
  const sections = grid.sections;
  const index = sectionIndexAt(sections, playheadMs);
  const s = sections[index]!;
  const bars = formatBars(s);
  const tapped = tappedBpm(taps);
  const lowIndexes = new Set(grid.low.map((l) => l.index));

  const onSection = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const feel = String(f.get("feel")) === "swing" ? "swing" : "straight";
    onEdit(
      (t) =>
        editSection(t, index, {
          bpm: num(f, "bpm"),
          startMs: num(f, "start"),
          timeSignature: String(f.get("ts") || s.timeSignature),
          feel,
        }),
      `set the timing of ${bars}`,
      feel !== s.feel ? { feel } : {},
    );
  };

  const tapKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    // Space and Enter tap on key-down (a click comes too late and with the key-up's time).
    if ((e.key === " " || e.key === "Enter") && !e.repeat) {
      e.preventDefault();
      props.onTap(e.timeStamp);
    }
  };

  const splitAt = splitBarNear(timing, playheadMs);
  const summary =
    grid.low.length > 0
      ? `check the tempo (${grid.low.map((l) => formatBars(l)).join(", ")})`
      : grid.line.replace(/^Grid: /, "");

  return (
    <details
      className={styles.panel}
      open={props.open}
      onToggle={(e) => props.onToggle((e.currentTarget as HTMLDetailsElement).open)}
      id="timing-tools"
      data-testid="timing-tools"
    >
      <summary>Timing: {summary}</summary>
      {/* The summary line above already says it when the grid is fine. */}
      {grid.low.length > 0 ? <GridNotice summary={grid} /> : null}
      <label className={styles.check}>
        <input
          type="checkbox"
          checked={props.keepBeat}
          onChange={(e) => props.onKeepBeat(e.target.checked)}
        />{" "}
        Move notes with the grid (otherwise notes stay where they are heard)
      </label>

      <section aria-labelledby="section-title" className={styles.section} data-testid="tempo-section">
        <h3 id="section-title" className={styles.subhead}>
          Section {index + 1} of {sections.length}: {bars}
        </h3>
        <p className={styles.hint}>
          {formatSongTime(s.startMs)}–{formatSongTime(s.endMs)} ·{" "}
          {s.confidence === undefined
            ? "no grid confidence (made by hand)"
            : `grid confidence ${Math.round(s.confidence * 100)} %${lowIndexes.has(index) ? ": check it" : ""}`}
          {sections.length > 1 ? " · the section at the playhead" : ""}
        </p>
        <form
          onSubmit={onSection}
          className={styles.row}
          key={`${index}-${s.bpm}-${s.startMs}-${s.timeSignature}-${s.feel}`}
          aria-label={`Timing of ${bars}`}
        >
          <label>
            BPM{" "}
            <input name="bpm" type="number" step="any" min="20" max="1000" defaultValue={s.bpm} required />
          </label>
          <label>
            {index === 0 ? "First beat (ms)" : "Starts at (ms)"}{" "}
            <input name="start" type="number" step="any" min="0" defaultValue={s.startMs} required />
          </label>
          <label>
            Meter{" "}
            <input name="ts" pattern="\d{1,2}/\d{1,2}" defaultValue={s.timeSignature} size={4} required />
          </label>
          <label>
            Feel{" "}
            <select name="feel" defaultValue={s.feel}>
              <option value="straight">straight</option>
              <option value="swing">swing (triplet snap)</option>
            </select>
          </label>
          <button type="submit">Apply</button>
        </form>

        <fieldset className={`${styles.row} ${styles.toolset}`}>
          <legend>Beat level</legend>
          {METRIC_FIXES.map((fix) => (
            <button
              key={fix.id}
              type="button"
              className="secondary"
              aria-label={`${fix.label} of ${bars}`}
              title={`${fix.label}: ${round1((s.bpm * fix.num) / fix.den)} BPM`}
              onClick={() =>
                onEdit(
                  (t) => scaleSectionTempo(t, index, fix),
                  `${fix.label[0]!.toLowerCase()}${fix.label.slice(1)} of ${bars}`,
                )
              }
            >
              {fix.symbol}
            </button>
          ))}
        </fieldset>

        <fieldset className={`${styles.row} ${styles.toolset}`}>
          <legend>Tap tempo</legend>
          <button type="button" onPointerDown={(e) => props.onTap(e.timeStamp)} onKeyDown={tapKey}>
            Tap (T)
          </button>
          <output className={styles.tapped} data-testid="tapped-bpm" aria-label="Tapped tempo">
            {tapped === null
              ? "Tap along with the beat"
              : `${round1(tapped).toFixed(1)} BPM from ${taps.length} taps`}
          </output>
          <button
            type="button"
            className="secondary"
            disabled={tapped === null || taps.length < TAPS_TO_APPLY}
            onClick={() => {
              if (tapped === null) return;
              const bpm = round1(tapped);
              onEdit(
                (t) => editSection(t, index, { bpm }),
                `set the BPM of ${bars} to ${bpm.toFixed(1)} (tapped)`,
              );
              props.onResetTaps();
            }}
          >
            {tapped !== null && taps.length >= TAPS_TO_APPLY
              ? `Use ${round1(tapped).toFixed(1)} BPM`
              : `Use (${TAPS_TO_APPLY}+ taps)`}
          </button>
          {taps.length > 0 ? (
            <button type="button" className="secondary" onClick={props.onResetTaps}>
              Reset taps
            </button>
          ) : null}
        </fieldset>

        <div className={styles.row}>
          {splitAt !== null ? (
            <button
              type="button"
              className="secondary"
              onClick={() =>
                onEdit((t) => addSectionAt(t, splitAt), `add a tempo section at ${formatSongTime(splitAt)}`, {
                  seek: splitAt,
                })
              }
            >
              New section at {formatSongTime(splitAt)}
            </button>
          ) : null}
          {index > 0 ? (
            <button
              type="button"
              className="secondary"
              onClick={() => onEdit((t) => removeSection(t, index), `remove the tempo section of ${bars}`)}
            >
              Remove this section
            </button>
          ) : null}
          {s.confidence !== undefined && s.confidence < 1 ? (
            <button
              type="button"
              className="secondary"
              onClick={() => onEdit((t) => confirmSectionGrid(t, index), `mark the grid of ${bars} as right`)}
            >
              The grid is right here
            </button>
          ) : null}
        </div>
        <p className={styles.hint}>
          Drag a bar line&rsquo;s handle on the ruler onto the downbeat you hear to move this section&rsquo;s
          grid (it drops onto a note nearby).
        </p>
      </section>

      {sections.length > 1 ? (
        <>
          <h3 className={styles.subhead}>Sections</h3>
          <ol className={styles.points} data-testid="tempo-sections">
            {sections.map((x) => (
              <li key={x.startMs} aria-current={x.index === index ? "true" : undefined}>
                <button type="button" className={styles.linkish} onClick={() => props.onSeek(x.startMs)}>
                  {describeSection(x)}
                </button>
                {lowIndexes.has(x.index) ? <strong className={styles.warn}> check the tempo</strong> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}

      <h3 className={styles.subhead}>Shift everything</h3>
      <form
        className={styles.row}
        onSubmit={(e) => {
          e.preventDefault();
          props.onShift(Number(shift));
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
