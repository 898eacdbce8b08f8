"use client";
// Easy / Medium / Hard / Expert, each with its notes per second so a drummer can pick; the same
// chooser on the song page, the map page and in the player. The choice is the song's, kept on the
// device (lib/store/levels.ts) by useRememberedLevel.
import { useCallback, useEffect, useId, useState } from "react";
import { formatRate, LEVEL_LABELS, LEVELS, type Level, type LevelSummary } from "@/lib/practice/levels.ts";
import { localDb } from "@/lib/store/db.ts";
import { rememberedLevel, rememberLevel } from "@/lib/store/levels.ts";
import styles from "./level-chooser.module.css";

export function LevelChooser(props: {
  value: Level;
  onChange: (level: Level) => void;
  /** Per level, when the chart is at hand (else the levels show without their rates). */
  summaries: readonly LevelSummary[] | null;
  disabled?: boolean;
  /** Says why the chooser is disabled. */
  disabledNote?: string;
}) {
  const { value, onChange, summaries, disabled = false, disabledNote } = props;
  const name = useId();
  return (
    <fieldset className={styles.chooser} disabled={disabled} data-testid="level-chooser">
      <legend>Difficulty</legend>
      {LEVELS.map((level) => {
        const s = summaries?.find((x) => x.level === level);
        return (
          <label key={level}>
            <input
              type="radio"
              name={name}
              value={level}
              checked={value === level}
              onChange={() => onChange(level)}
            />{" "}
            {LEVEL_LABELS[level]}
            {s ? (
              <span className="muted" data-testid={`level-rate-${level}`}>
                {" "}
                · {formatRate(s.notesPerSecond)}
              </span>
            ) : null}
          </label>
        );
      })}
      {disabled && disabledNote ? <p className={`muted ${styles.note}`}>{disabledNote}</p> : null}
    </fieldset>
  );
}

/** The level remembered for `key` (a song key, lib/store/levels.ts); null while it is read. */
export function useRememberedLevel(key: string | null): [Level | null, (level: Level) => void] {
  const [level, setLevel] = useState<Level | null>(null);
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    rememberedLevel(localDb(), key).then(
      (l) => {
        if (!cancelled) setLevel(l);
      },
      () => {
        // No IndexedDB (private mode in some browsers): the choice lasts for this page only.
        if (!cancelled) setLevel("expert");
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  const choose = useCallback(
    (next: Level) => {
      setLevel(next);
      if (key)
        void rememberLevel(localDb(), key, next).catch((e: unknown) => console.warn("level not kept", e));
    },
    [key],
  );
  return [level, choose];
}
