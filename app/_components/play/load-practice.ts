// Everything a practice run needs from the device, loaded once per chart: the library chart at the
// level remembered for its song, folded to the drummer's kit (lib/practice/run-chart.ts), its stems
// (or the song file the drummer just dropped), this device's settings, the audio engine and the
// controller that runs the practice.
import { decodeAudio, PracticeAudioEngine } from "@/lib/practice/audio-engine.ts";
import type { FoldResult } from "@/lib/practice/kit-profile.ts";
import { type LevelSummary, levelSummaries } from "@/lib/practice/levels.ts";
import { type FrameClock, PracticeController } from "@/lib/practice/practice-controller.ts";
import { type ChartChoice, chartFor } from "@/lib/practice/run-chart.ts";
import { localDb, type StoredChart } from "@/lib/store/db.ts";
import { rememberedLevel, rememberLevel, songKey } from "@/lib/store/levels.ts";
import { placedText, playOwnRecording } from "./own-recording.ts";
import { takePendingAudio } from "./pending-audio.ts";
import { loadPracticeSettings } from "./practice-settings.ts";

/** The drummer's own recording, as decoded, and where it sits on the chart (recording = chart + offset). */
export interface SongFile {
  name: string;
  raw: AudioBuffer;
  offsetMs: number;
}

export interface LoadedPractice {
  chart: StoredChart;
  /** The level and kit the controller's chart was made for (changed through rechart). */
  choice: ChartChoice;
  /** Each level's size, for the chooser. */
  levels: LevelSummary[];
  engine: PracticeAudioEngine;
  controller: PracticeController;
  settings: Awaited<ReturnType<typeof loadPracticeSettings>>;
  fold: Pick<FoldResult, "moved" | "dropped">;
  hasStems: boolean;
  songFile: SongFile | null;
}

const browserFrames: FrameClock = {
  now: () => performance.now(),
  request: (frame) => requestAnimationFrame(frame),
  cancel: (id) => cancelAnimationFrame(id),
};

/** Keeps the pitch when the tempo is not 100 %: SoundTouch's worklet, loaded on first need. */
async function preparePitch(engine: PracticeAudioEngine): Promise<string | null> {
  if (!engine.hasAudio || engine.keepsPitch) return null;
  try {
    const { createPitchKeeper } = await import("@/lib/practice/pitch-keeper.ts");
    engine.setPitchKeeper(await createPitchKeeper(engine.ctx));
    return "Pitch kept while slowed down or sped up.";
  } catch (e) {
    return `Time-stretch could not start (${e instanceof Error ? e.message : String(e)}); the pitch will follow the tempo.`;
  }
}

/**
 * Plays another level or kit from the next run on (never during one); a new level is remembered
 * for the song. Returns how the kit folded the chart, or null when a run is on.
 */
export function rechart(practice: LoadedPractice, change: Partial<ChartChoice>): FoldResult | null {
  if (practice.controller.running) return null;
  practice.choice = { ...practice.choice, ...change };
  const { prepared, fold } = chartFor(practice.chart.beatmap, practice.choice);
  practice.controller.setChart(prepared);
  if (change.level) {
    void rememberLevel(localDb(), songKey(practice.chart), change.level).catch((e: unknown) =>
      console.warn("level not kept", e),
    );
  }
  return fold;
}

/** Null when the chart is not in this device's library. */
export async function loadPractice(chartId: string): Promise<LoadedPractice | null> {
  const db = localDb();
  const [chart, settings] = await Promise.all([db.charts.get(chartId), loadPracticeSettings()]);
  if (!chart) return null;
  const level = await rememberedLevel(db, songKey(chart)).catch(() => "expert" as const);
  const choice: ChartChoice = { level, kit: settings.kit };
  const { prepared, fold } = chartFor(chart.beatmap, choice);
  const engine = new PracticeAudioEngine(prepared.tempo);
  let songFile: SongFile | null = null;
  let message = "";
  try {
    const stems = await db.stems.get(chartId);
    if (stems) {
      const [drums, accompaniment] = await Promise.all([
        decodeAudio(engine.ctx, stems.drums),
        decodeAudio(engine.ctx, stems.accompaniment),
      ]);
      engine.setAudio({ drums, accompaniment });
    } else {
      // Arrived from the intake page with the drummer's own file: play along with it at once.
      const file = takePendingAudio(chartId);
      if (file) {
        try {
          const placed = await playOwnRecording(engine, file, chart.beatmap, chart.id);
          songFile = { name: file.name, raw: placed.raw, offsetMs: placed.offsetMs };
          message = placedText(file.name, placed);
        } catch {
          message = `${file.name} could not be decoded by this browser; pick the song file below.`;
        }
      }
    }
    engine.setMix(settings.prefs.mix);
  } catch (e) {
    await engine.close();
    throw e;
  }
  const controller = new PracticeController({
    chart: prepared,
    audio: engine,
    frames: browserFrames,
    rate: settings.prefs.rate,
    countInBeats: settings.prefs.countInBeats,
    preparePitch: () => preparePitch(engine),
  });
  controller.setCalibration(settings.calibration);
  if (message) controller.announce(message);
  return {
    chart,
    choice,
    levels: levelSummaries(chart.beatmap),
    engine,
    controller,
    settings,
    fold: { moved: fold.moved, dropped: fold.dropped },
    hasStems: Boolean(engine.hasStems),
    songFile,
  };
}
