"use client";
// The editor's sound: the practice player's audio engine (lib/practice/audio-engine.ts) with the
// song's stems from this device's library, loaded as the editor opens (the chart's own, or those
// of another chart of the same song, lined up on this chart when they are of another recording:
// lib/store/song-stems.ts, lib/editor/stem-placement.ts), or a song file the user picks (lined up
// with the chart's notes as the player does), and the waveform peaks drawn behind the lanes.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import type { TempoMap } from "@/lib/beatmap/tempo.ts";
import { placeStems } from "@/lib/editor/stem-placement.ts";
import { computePeaks, type Peaks } from "@/lib/editor/waveform.ts";
import { DEFAULT_MIX, decodeAudio, PracticeAudioEngine } from "@/lib/practice/audio-engine.ts";
import { localDb } from "@/lib/store/db.ts";
import { findSongStems, type SongStemsQuery } from "@/lib/store/song-stems.ts";
import { compactStoredStemsOnce } from "@/lib/store/stems.ts";
import { formatOffset, onChartTimeline, playOwnRecording } from "../play/own-recording.ts";

export interface EditorAudio {
  engine: PracticeAudioEngine | null;
  peaks: Peaks | null;
  hasStems: boolean;
  /** What plays, for people: "the song's stems", a file name, or "no audio". */
  source: string;
  error: string | null;
  pickFile: (file: File) => Promise<void>;
  setMix: (mix: { drumsOnly: boolean; metronome: boolean }) => void;
}

function channels(buffer: AudioBuffer): Float32Array[] {
  // One channel per buffer is enough for an overview; stems add up to the song.
  return [buffer.getChannelData(0)];
}

/**
 * `stored`: which song's stems to look for on this device (`chartId`: the library chart being
 * edited, which also remembers where the drummer's own file sits on it); `chart` reads the chart
 * as it is (stems of another recording are lined up on it, and so is a picked file).
 */
export function useEditorAudio(
  tempo: TempoMap,
  stored: SongStemsQuery | undefined,
  chart: () => Pick<Beatmap, "HitObjects" | "Audio">,
): EditorAudio {
  const chartId = stored?.chartId;
  // The query is a fresh object on every render: loads follow what it asks, not its identity.
  const storedKey = JSON.stringify(stored ?? null);
  const storedRef = useRef(stored);
  storedRef.current = stored;
  const chartRef = useRef(chart);
  chartRef.current = chart;
  const [engine, setEngine] = useState<PracticeAudioEngine | null>(null);
  const [peaks, setPeaks] = useState<Peaks | null>(null);
  const [hasStems, setHasStems] = useState(false);
  const [source, setSource] = useState("no audio");
  const [error, setError] = useState<string | null>(null);
  const tempoRef = useRef(tempo);
  tempoRef.current = tempo;

  // biome-ignore lint/correctness/useExhaustiveDependencies: storedKey stands for the query's content
  useEffect(() => {
    let cancelled = false;
    // The context starts suspended and resumes on the first Play (a user gesture).
    const eng = new PracticeAudioEngine(tempoRef.current);
    setEngine(eng);
    (async () => {
      const query = storedRef.current;
      if (!query) return;
      try {
        const found = await findSongStems(localDb(), query);
        if (!found || cancelled) return;
        let [drums, accompaniment] = await Promise.all([
          decodeAudio(eng.ctx, found.stems.drums),
          decodeAudio(eng.ctx, found.stems.accompaniment),
        ]);
        if (cancelled) return;
        let placedText = "";
        if (!found.sameRecording) {
          const drumChannels = Array.from({ length: drums.numberOfChannels }, (_, c) =>
            drums.getChannelData(c),
          );
          const placed = placeStems(
            drumChannels,
            drums.sampleRate,
            chartRef.current(),
            found.chart.beatmap.Audio?.Fingerprint,
          );
          drums = onChartTimeline(eng.ctx, drums, placed.offsetMs);
          accompaniment = onChartTimeline(eng.ctx, accompaniment, placed.offsetMs);
          placedText = `, lined up with the chart's notes (offset ${formatOffset(placed.offsetMs)})`;
        }
        eng.setAudio({ drums, accompaniment });
        setHasStems(true);
        setSource(
          found.sameRecording
            ? "the song's stems"
            : `the stems of “${found.chart.title}” on this device${placedText}`,
        );
        setPeaks(computePeaks([...channels(drums), ...channels(accompaniment)], drums.sampleRate));
        // Stems this device saved before they were compressed: compressed now, in the background.
        void compactStoredStemsOnce(localDb());
      } catch (e) {
        if (!cancelled)
          setError(`The stems could not be played (${e instanceof Error ? e.message : String(e)}).`);
      }
    })();
    return () => {
      cancelled = true;
      void eng.close();
    };
  }, [storedKey]);

  useEffect(() => {
    engine?.setTempo(tempo);
  }, [engine, tempo]);

  const pickFile = useCallback(
    async (file: File) => {
      if (!engine) return;
      try {
        const placed = await playOwnRecording(engine, file, chart(), chartId);
        setHasStems(false);
        setSource(
          placed.offsetMs !== 0 ? `${file.name}, file offset ${formatOffset(placed.offsetMs)}` : file.name,
        );
        setError(null);
        setPeaks(computePeaks(channels(placed.placed), placed.placed.sampleRate));
      } catch {
        setError(`${file.name} could not be decoded by this browser. Try a WAV, MP3 or OGG file.`);
      }
    },
    [engine, chartId, chart],
  );

  const setMix = useCallback(
    (mix: { drumsOnly: boolean; metronome: boolean }) => {
      engine?.setMix({ ...DEFAULT_MIX, mode: mix.drumsOnly ? "drums" : "full", metronomeOn: mix.metronome });
    },
    [engine],
  );

  return { engine, peaks, hasStems, source, error, pickFile, setMix };
}
