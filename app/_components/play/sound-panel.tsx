"use client";
// What the drummer hears: the stems' mix, or their own song file lined up on the chart (with the
// offset to move it by hand), the metronome, and how sure the generator was of the grid it clicks.
import { useCallback, useState } from "react";
import type { MixSettings, StemMode } from "@/lib/practice/audio-engine.ts";
import { localDb } from "@/lib/store/db.ts";
import { GridNotice } from "../grid-notice.tsx";
import type { LoadedPractice, SongFile } from "./load-practice.ts";
import { onChartTimeline, placedText, playOwnRecording } from "./own-recording.ts";
import type { PracticePrefs } from "./practice-settings.ts";

export interface SongFileState {
  file: SongFile | null;
  /** Changes whenever a file is placed, so the offset field shows the new value. */
  key: number;
  pick: (file: File) => Promise<void>;
  /** The drummer moves their file against the chart by hand (the automatic line-up missed). */
  setOffset: (offsetMs: number) => void;
}

export function useSongFile(practice: LoadedPractice): SongFileState {
  const { engine, chart, controller } = practice;
  const [file, setFile] = useState<SongFile | null>(practice.songFile);
  const [key, setKey] = useState(0);
  const pick = useCallback(
    async (picked: File) => {
      try {
        const placed = await playOwnRecording(engine, picked, chart.beatmap, chart.id);
        setFile({ name: picked.name, raw: placed.raw, offsetMs: placed.offsetMs });
        setKey((k) => k + 1);
        controller.audioChanged();
        controller.announce(placedText(picked.name, placed));
      } catch {
        controller.announce(
          `${picked.name} could not be decoded by this browser. Try a WAV, MP3 or OGG file.`,
        );
      }
    },
    [engine, chart, controller],
  );
  const setOffset = useCallback(
    (offsetMs: number) => {
      if (!file || !Number.isFinite(offsetMs)) return;
      const clamped = Math.max(-600_000, Math.min(600_000, Math.round(offsetMs)));
      engine.setAudio({ song: onChartTimeline(engine.ctx, file.raw, clamped) });
      setFile({ ...file, offsetMs: clamped });
      controller.audioChanged();
      void localDb().charts.update(chart.id, { audioOffsetMs: clamped });
    },
    [engine, chart, controller, file],
  );
  return { file, key, pick, setOffset };
}

const STEM_MODES: [StemMode, string][] = [
  ["full", "Full mix"],
  ["drums", "Drums only"],
  ["drumless", "Drumless"],
];

export function SoundPanel(props: {
  practice: LoadedPractice;
  song: SongFileState;
  prefs: PracticePrefs;
  onMix: (change: Partial<MixSettings>) => void;
  running: boolean;
}) {
  const { practice, song, prefs, onMix, running } = props;
  const { chart } = practice;
  const mix = prefs.mix;
  const volume = (label: string, value: number, change: (v: number) => Partial<MixSettings>) => (
    <label>
      {label}{" "}
      <input
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={value}
        onChange={(e) => onMix(change(Number(e.target.value)))}
      />
    </label>
  );
  return (
    <fieldset>
      <legend>Sound</legend>
      {practice.hasStems ? (
        <div role="radiogroup" aria-label="Stems" className="stem-modes">
          {STEM_MODES.map(([m, label]) => (
            <label key={m}>
              <input
                type="radio"
                name="stem-mode"
                checked={mix.mode === m}
                onChange={() => onMix({ mode: m })}
              />{" "}
              {label}
            </label>
          ))}
          {volume("Drums", mix.drums, (drums) => ({ drums }))}
          {volume("Band", mix.accompaniment, (accompaniment) => ({ accompaniment }))}
        </div>
      ) : (
        <>
          <label className="pick-audio">
            {song.file ? "Play along with another file" : "Play along with the song file"}{" "}
            <input
              type="file"
              accept="audio/*"
              onChange={(e) => {
                const picked = e.target.files?.[0];
                if (picked) void song.pick(picked);
              }}
              disabled={running}
            />
          </label>
          {song.file ? (
            <label title="Where your file sits on the chart: positive when it has more audio before the song starts.">
              File offset (ms){" "}
              <input
                type="number"
                step={5}
                // Uncontrolled, so the field does not fight the drummer's typing ("-", an empty field).
                key={song.key}
                defaultValue={song.file.offsetMs}
                onChange={(e) => {
                  if (e.target.value !== "") song.setOffset(Number(e.target.value));
                }}
                disabled={running}
                data-testid="file-offset"
              />
            </label>
          ) : null}
        </>
      )}
      <label>
        <input
          type="checkbox"
          checked={mix.metronomeOn}
          onChange={(e) => onMix({ metronomeOn: e.target.checked })}
        />{" "}
        Metronome
      </label>
      {volume("Click volume", mix.metronome, (metronome) => ({ metronome }))}
      {/* The metronome clicks on the chart's grid: say how sure the generator was of it. */}
      <GridNotice
        timing={chart.beatmap.Timing}
        endMs={chart.beatmap.Audio.Duration ?? chart.beatmap.HitObjects.at(-1)?.Time ?? 0}
        fixHref={`/edit/local/${chart.id}?tools=timing`}
      />
    </fieldset>
  );
}
