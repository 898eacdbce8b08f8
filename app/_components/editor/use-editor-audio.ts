"use client";
// The editor's sound: the practice player's audio engine (lib/practice/audio-engine.ts) with the
// chart's stems from the library, or a song file the user picks (lined up with the chart's notes
// as the player does), and the waveform peaks drawn behind the lanes.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import type { TempoMap } from "@/lib/beatmap/tempo.ts";
import { computePeaks, type Peaks } from "@/lib/editor/waveform.ts";
import { DEFAULT_MIX, decodeAudio, PracticeAudioEngine } from "@/lib/practice/audio-engine.ts";
import { localDb } from "@/lib/store/db.ts";
import { formatOffset, playOwnRecording } from "../play/own-recording.ts";

export interface EditorAudio {
  engine: PracticeAudioEngine | null;
  peaks: Peaks | null;
  hasStems: boolean;
  /** What plays, for people: "stems", a file name, or "no audio". */
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
 * `chartId`: the library chart being edited (its stems, and where the drummer's recording sits on
 * it); `chart` reads the chart as it is when a file is picked.
 */
export function useEditorAudio(
  tempo: TempoMap,
  chartId: string | undefined,
  chart: () => Pick<Beatmap, "HitObjects" | "Audio">,
): EditorAudio {
  const [engine, setEngine] = useState<PracticeAudioEngine | null>(null);
  const [peaks, setPeaks] = useState<Peaks | null>(null);
  const [hasStems, setHasStems] = useState(false);
  const [source, setSource] = useState("no audio");
  const [error, setError] = useState<string | null>(null);
  const tempoRef = useRef(tempo);
  tempoRef.current = tempo;

  useEffect(() => {
    let cancelled = false;
    // The context starts suspended and resumes on the first Play (a user gesture).
    const eng = new PracticeAudioEngine(tempoRef.current);
    setEngine(eng);
    (async () => {
      if (!chartId) return;
      try {
        const stems = await localDb().stems.get(chartId);
        if (!stems || cancelled) return;
        const [drums, accompaniment] = await Promise.all([
          decodeAudio(eng.ctx, stems.drums),
          decodeAudio(eng.ctx, stems.accompaniment),
        ]);
        if (cancelled) return;
        eng.setAudio({ drums, accompaniment });
        setHasStems(true);
        setSource("stems");
        setPeaks(computePeaks([...channels(drums), ...channels(accompaniment)], drums.sampleRate));
      } catch (e) {
        if (!cancelled)
          setError(`The stems could not be played (${e instanceof Error ? e.message : String(e)}).`);
      }
    })();
    return () => {
      cancelled = true;
      void eng.close();
    };
  }, [chartId]);

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
