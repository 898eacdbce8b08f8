"use client";
// The practice player: loads a chart (and its stems) from the device's library, plays it on the
// audio engine, draws the highway from the audio clock, judges keyboard / touch / MIDI hits and
// shows the results. Phases: loading → ready ⇄ playing → results (→ ready).
import Link from "next/link";
import {
  type ChangeEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { LANE_COUNT, LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import { decodeAudio, PracticeAudioEngine, type StemMode } from "@/lib/practice/audio-engine.ts";
import type { Calibration } from "@/lib/practice/calibration.ts";
import { calibrateVelocity, type VelocityCalibration } from "@/lib/practice/dynamics.ts";
import { gridLines, leadMsForSpeed } from "@/lib/practice/highway.ts";
import { clampRate } from "@/lib/practice/hit-windows.ts";
import { bindKey, type KeyMap, keyLabel, laneByCode } from "@/lib/practice/keymap.ts";
import { FULL_KIT, foldToKit, type KitProfile } from "@/lib/practice/kit-profile.ts";
import {
  barStartMs,
  PracticeSession,
  type PreparedChart,
  prepareChart,
  snapToBeat,
} from "@/lib/practice/session.ts";
import { DEFAULT_TRAINER, nextRate, type SpeedTrainerConfig } from "@/lib/practice/speed-trainer.ts";
import type { RunSummary } from "@/lib/practice/stats.ts";
import type { LoopRange } from "@/lib/practice/transport.ts";
import { localDb, type StoredChart, type StoredResult } from "@/lib/store/db.ts";
import { listResults, saveResult } from "@/lib/store/results.ts";
import { ErrorMessage } from "../error-message.tsx";
import { GridNotice } from "../grid-notice.tsx";
import { addressId } from "../pwa/address-id.ts";
import { setPracticePlaying } from "../pwa/practice-activity.ts";
import { CalibrationPanel } from "./calibration-panel.tsx";
import type { HighwayRenderer } from "./highway-renderer.ts";
import { HighwayView } from "./highway-view.tsx";
import { EMPTY_HUD, Hud, HudStore } from "./hud.tsx";
import { connectMidi, type MidiConnection } from "./midi-input.ts";
import { onChartTimeline, placedText, playOwnRecording } from "./own-recording.ts";
import { PadMappingView, usePadLearning } from "./pad-mapping.tsx";
import { takePendingAudio } from "./pending-audio.ts";
import {
  loadPracticeSettings,
  loadVelocityCalibration,
  type PracticePrefs,
  reducedMotion,
  saveKeyMap,
  saveKit,
  savePrefs,
  saveVelocityCalibration,
} from "./practice-settings.ts";
import { ResultsView } from "./results-view.tsx";
import { syncResult } from "./sync-result.ts";

type Phase =
  | { kind: "loading" }
  | { kind: "missing" }
  | { kind: "error"; message: string }
  | { kind: "ready" }
  | { kind: "playing" }
  | { kind: "results"; summary: RunSummary; rate: number; history: StoredResult[] };

type InputKind = "keyboard" | "touch" | "midi";

/** Hooks for end-to-end tests and the benchmark: the clock mapping the player itself uses. */
export interface PlayerTestHandle {
  perfAtSong(songMs: number, pass?: number): number;
  songNow(): number;
  notes(): { times: number[]; lanes: number[] };
  renderCounts(): { static: number; scene: number; lastDrawn: number };
  /** Recent scene draw times (ms) and the audio output latency the clock accounts for (s). */
  drawTimes(): number[];
  outputLatency(): number;
}

declare global {
  interface Window {
    __beatsightPlayer?: PlayerTestHandle;
  }
}

function dynamicsText(c: VelocityCalibration): string {
  const v = (x: number) => Math.round(x * 127);
  return `This kit: ghost below velocity ${v(c.ghostMax)}, accent from ${v(c.accentMin)}.`;
}

function formatTime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function Player({ chartId: routeChartId }: { chartId: string }) {
  // Offline the page may be the player shell: the address names the chart (pwa/address-id.ts).
  const chartId = useMemo(() => addressId("/play/", routeChartId), [routeChartId]);
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  // The update prompt waits while a run plays (app/_components/pwa).
  useEffect(() => {
    setPracticePlaying(phase.kind === "playing");
    return () => setPracticePlaying(false);
  }, [phase.kind]);
  const [chart, setChart] = useState<StoredChart | null>(null);
  const [prepared, setPrepared] = useState<PreparedChart | null>(null);
  const [prefs, setPrefs] = useState<PracticePrefs | null>(null);
  const [keymap, setKeymap] = useState<KeyMap | null>(null);
  const [calibration, setCalibration] = useState<Calibration>({ inputOffsetMs: 0, visualOffsetMs: 0 });
  const [hasStems, setHasStems] = useState(false);
  const [audioName, setAudioName] = useState<string | null>(null);
  /** The own recording as decoded, and where it sits on the chart (recording = chart + offset). */
  const ownRecording = useRef<AudioBuffer | null>(null);
  // Where the file sits; `key` changes when a file is placed, so the (uncontrolled) offset field
  // shows the new value but does not fight the drummer's typing ("-", an empty field).
  const [filePlacement, setFilePlacement] = useState<{ offsetMs: number; key: number } | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const [loop, setLoop] = useState<LoopRange | null>(null);
  const [loopA, setLoopA] = useState<number | null>(null);
  const [hudStore] = useState(() => new HudStore());
  const [rebinding, setRebinding] = useState<number | null>(null);
  const [midi, setMidi] = useState<{ names: string[]; error?: string } | null>(null);
  const pads = usePadLearning();
  const [status, setStatus] = useState("");
  const [pitchNote, setPitchNote] = useState("");
  const [dynNote, setDynNote] = useState("");
  const dynCapture = useRef<number[] | null>(null);
  const midiKitKey = useRef("");
  const [kit, setKit] = useState<KitProfile>(FULL_KIT);
  const [foldNote, setFoldNote] = useState<{ moved: number; dropped: number } | null>(null);
  const [trainerOn, setTrainerOn] = useState(false);
  const [trainerLog, setTrainerLog] = useState<string[]>([]);
  const trainerRef = useRef<SpeedTrainerConfig | null>(null);
  const trainerCount = useRef(0);
  const restartRef = useRef<((rate?: number) => Promise<void>) | null>(null);

  const engine = useRef<PracticeAudioEngine | null>(null);
  const session = useRef<PracticeSession | null>(null);
  const renderer = useRef<HighwayRenderer | null>(null);
  const raf = useRef<number | null>(null);
  const run = useRef<{ rate: number; loop: LoopRange | null; inputs: Set<InputKind> } | null>(null);
  const positionRef = useRef(0);
  const timeOutput = useRef<HTMLOutputElement>(null);
  const midiConn = useRef<MidiConnection | null>(null);
  const settingsRef = useRef({ calibration, prefs, keymap });
  settingsRef.current = { calibration, prefs, keymap };

  // Load the chart, its stems and this device's settings.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const db = localDb();
        const [stored, settings] = await Promise.all([db.charts.get(chartId), loadPracticeSettings()]);
        if (cancelled) return;
        if (!stored) {
          setPhase({ kind: "missing" });
          return;
        }
        const folded = foldToKit(stored.beatmap.HitObjects, settings.kit);
        const prep = prepareChart({ ...stored.beatmap, HitObjects: folded.notes });
        const eng = new PracticeAudioEngine(prep.tempo);
        engine.current = eng;
        session.current = new PracticeSession(prep);
        const stems = await db.stems.get(chartId);
        if (stems) {
          const [drums, accompaniment] = await Promise.all([
            decodeAudio(eng.ctx, stems.drums),
            decodeAudio(eng.ctx, stems.accompaniment),
          ]);
          eng.setAudio({ drums, accompaniment });
          setHasStems(true);
        } else {
          // Arrived from the intake page with the drummer's own file: play along with it at once.
          const file = takePendingAudio(chartId);
          if (file) {
            try {
              const placed = await playOwnRecording(eng, file, stored.beatmap, stored.id);
              if (cancelled) return;
              ownRecording.current = placed.raw;
              setFilePlacement({ offsetMs: placed.offsetMs, key: Date.now() });
              setAudioName(file.name);
              setStatus(placedText(file.name, placed));
            } catch {
              setStatus(`${file.name} could not be decoded by this browser; pick the song file below.`);
            }
          }
        }
        if (cancelled) return;
        eng.setMix(settings.prefs.mix);
        setChart(stored);
        setPrepared(prep);
        setKit(settings.kit);
        setFoldNote(folded);
        setPrefs(settings.prefs);
        setKeymap(settings.keymap);
        setCalibration(settings.calibration);
        setPhase({ kind: "ready" });
      } catch (e) {
        if (!cancelled) setPhase({ kind: "error", message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      cancelled = true;
      if (raf.current !== null) cancelAnimationFrame(raf.current);
      midiConn.current?.close();
      void engine.current?.close();
      engine.current = null;
    };
  }, [chartId]);

  const endMs = useMemo(() => {
    if (!prepared) return 0;
    return Math.max(prepared.endMs, engine.current?.audioDurationMs ?? 0);
  }, [prepared]);

  // The scene for the renderer: notes, judge status and grid lines.
  const attachScene = useCallback(() => {
    const r = renderer.current;
    const p = prepared;
    const s = session.current;
    if (!r || !p || !s) return;
    const grid = gridLines(p.tempo, 0, p.endMs + 10_000);
    r.setScene({
      times: p.times,
      lanes: p.lanes,
      velocities: p.velocities,
      status: s.judge.status,
      grid,
      gridTimes: Float64Array.from(grid, (g) => g.ms),
    });
  }, [prepared]);

  const layoutRenderer = useCallback(() => {
    const r = renderer.current;
    const box = r ? (document.querySelector('[data-testid="highway"]') as HTMLElement | null) : null;
    if (!r || !box) return;
    const { prefs: pf, keymap: km } = settingsRef.current;
    const rate = run.current?.rate ?? pf?.rate ?? 1;
    r.setLayout(
      box.clientWidth,
      box.clientHeight,
      window.devicePixelRatio || 1,
      leadMsForSpeed(pf?.scrollSpeed ?? 5),
      rate,
    );
    r.setLabels({ keys: (km ?? []).map((codes) => codes.map(keyLabel).join(" / ")) });
    r.setReducedMotion(reducedMotion(pf ?? {}));
  }, []);

  const drawStill = useCallback(() => {
    const r = renderer.current;
    const s = session.current;
    if (!r || !s) return;
    layoutRenderer();
    if (engine.current?.playing) return; // the next frame draws at the new size
    r.draw(positionRef.current, s.laneFlashes, performance.now());
  }, [layoutRenderer]);

  // A new scene (another kit folding) is drawn at once.
  useEffect(() => {
    attachScene();
    drawStill();
  }, [attachScene, drawStill]);

  const changeKit = useCallback(
    (change: Partial<KitProfile>) => {
      if (!chart || engine.current?.playing) return;
      const next: KitProfile = { ...kit, ...change };
      setKit(next);
      void saveKit(next);
      const folded = foldToKit(chart.beatmap.HitObjects, next);
      const prep = prepareChart({ ...chart.beatmap, HitObjects: folded.notes });
      const fresh = new PracticeSession(prep);
      fresh.velocityCalibration = session.current?.velocityCalibration;
      session.current = fresh;
      setPrepared(prep);
      setFoldNote(folded);
    },
    [chart, kit],
  );

  const onRenderer = useCallback(
    (r: HighwayRenderer | null) => {
      renderer.current = r;
      if (r) {
        attachScene();
        drawStill();
      }
    },
    [attachScene, drawStill],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: redraw the still frame whenever what it shows changes
  useEffect(() => {
    if (phase.kind !== "results") drawStill();
  }, [phase.kind, drawStill, positionMs, prefs, keymap]);

  const updateHud = useCallback(() => {
    const s = session.current;
    if (!s) return;
    const f = s.lastFlash;
    hudStore.set({
      score: s.total.score,
      combo: s.total.combo,
      accuracy: s.total.accuracy,
      last: f
        ? f.judgment === "miss" || f.judgment === "perfect"
          ? f.judgment
          : `${f.judgment} · ${f.errorMs < 0 ? "early" : "late"} ${Math.abs(Math.round(f.errorMs))} ms`
        : "",
      pass: s.passIndex,
    });
  }, [hudStore]);

  const finish = useCallback(async () => {
    const eng = engine.current;
    const s = session.current;
    const r = run.current;
    if (!eng || !s || !r || !chart) return;
    if (raf.current !== null) cancelAnimationFrame(raf.current);
    raf.current = null;
    eng.stop();
    s.tick(Number.POSITIVE_INFINITY, performance.now());
    const summary = s.total.summary();
    run.current = null;
    const inputs = [...r.inputs];
    const input = inputs.length === 1 ? inputs[0]! : inputs.length === 0 ? "keyboard" : "mixed";
    try {
      const saved = await saveResult(localDb(), {
        chartId: chart.id,
        contentHash: chart.contentHash,
        rate: r.rate,
        fromMs: s.fromMs,
        toMs: Number.isFinite(s.toMs) ? s.toMs : endMs,
        input,
        summary,
      });
      void syncResult(chart, saved, summary).catch((e: unknown) => console.warn("result not queued", e));
    } catch (e) {
      console.error("could not save the result", e);
    }
    const history = await listResults(localDb(), chart.id).catch(() => []);
    positionRef.current = s.fromMs;
    setPositionMs(s.fromMs);
    setStatus("Run finished: results below.");
    setPhase({ kind: "results", summary, rate: r.rate, history });
  }, [chart, endMs]);

  const frame = useCallback(
    (now: number) => {
      const eng = engine.current;
      const s = session.current;
      const r = run.current;
      if (!eng || !s || !r || !eng.playing) return;
      eng.refreshClock();
      const song = eng.songAtPerf(now);
      const pass = eng.passAtPerf(now);
      if (r.loop && pass > s.passIndex) {
        const done = s.nextPass(r.rate);
        updateHud();
        const trainer = trainerRef.current;
        if (trainer) {
          const d = nextRate(trainer, r.rate, done);
          const pct = (x: number) => `${Math.round(x * 100)} %`;
          const what =
            d.step === "up"
              ? `clean pass: up to ${pct(d.rate)}`
              : d.step === "down"
                ? `${done.counts.miss} missed: back to ${pct(d.rate)}`
                : d.step === "done"
                  ? `clean at ${pct(d.rate)}: target reached`
                  : `${pct(r.rate)} again (${done.counts.miss} missed, ${(done.accuracy * 100).toFixed(0)} %)`;
          trainerCount.current++;
          setTrainerLog((log) => [...log.slice(-5), `Pass ${trainerCount.current}: ${what}`]);
          if (d.step === "up" || d.step === "down") {
            // A new tempo starts with a count-in at that tempo.
            void restartRef.current?.(d.rate);
            return;
          }
        }
      }
      const missed = s.tick(song, now);
      if (missed.length) updateHud();
      positionRef.current = song;
      // Text changes cost a style pass: only when the shown second changes.
      const shown = `${formatTime(song)} / ${formatTime(endMs)}`;
      if (timeOutput.current && timeOutput.current.textContent !== shown)
        timeOutput.current.textContent = shown;
      const rend = renderer.current;
      if (rend) {
        // No layout reads here: the size changes through the ResizeObserver (drawStill).
        rend.draw(song - settingsRef.current.calibration.visualOffsetMs * r.rate, s.laneFlashes, now);
      }
      if (!r.loop && song > endMs + 500 && s.isOver(song)) {
        void finish();
        return;
      }
      raf.current = requestAnimationFrame(frame);
    },
    [endMs, finish, updateHud],
  );

  const play = useCallback(
    async (rateOverride?: number) => {
      const eng = engine.current;
      const s = session.current;
      const pf = settingsRef.current.prefs;
      if (!eng || !s || !pf) return;
      const rate = clampRate(rateOverride ?? pf.rate);
      if (rateOverride === undefined) {
        trainerRef.current =
          loop && trainerOn ? { ...DEFAULT_TRAINER, startRate: rate, targetRate: Math.max(rate, 1) } : null;
        setTrainerLog([]);
        trainerCount.current = 0;
      } else {
        setPrefs((p) => (p ? { ...p, rate } : p));
      }
      let from = positionRef.current;
      if (!loop && from >= endMs - 100) from = 0;
      if (loop) from = loop.a;
      if (Math.abs(rate - 1) > 1e-6 && eng.hasAudio && !eng.keepsPitch) {
        try {
          const { createPitchKeeper } = await import("@/lib/practice/pitch-keeper.ts");
          eng.setPitchKeeper(await createPitchKeeper(eng.ctx));
          setPitchNote("Pitch kept while slowed down or sped up.");
        } catch (e) {
          setPitchNote(
            `Time-stretch could not start (${e instanceof Error ? e.message : String(e)}); the pitch will follow the tempo.`,
          );
        }
      }
      s.start(from, loop ? loop.b : Number.POSITIVE_INFINITY, rate);
      run.current = { rate, loop, inputs: new Set() };
      hudStore.set(EMPTY_HUD);
      try {
        await eng.play({ fromMs: from, rate, countInBeats: pf.countInBeats, ...(loop ? { loop } : {}) });
      } catch (e) {
        setPhase({
          kind: "error",
          message: `Audio could not start: ${e instanceof Error ? e.message : String(e)}`,
        });
        return;
      }
      setStatus(loop ? "Playing the loop." : "Playing.");
      setPhase({ kind: "playing" });
      layoutRenderer();
      if (raf.current !== null) cancelAnimationFrame(raf.current);
      raf.current = requestAnimationFrame(frame);
    },
    [endMs, frame, loop, hudStore, layoutRenderer, trainerOn],
  );
  restartRef.current = play;

  const pause = useCallback(() => {
    const eng = engine.current;
    if (!eng?.playing) return;
    if (raf.current !== null) cancelAnimationFrame(raf.current);
    raf.current = null;
    const pos = eng.stop();
    run.current = null;
    const p = Number.isFinite(pos) ? Math.max(0, Math.min(endMs, pos)) : positionRef.current;
    positionRef.current = p;
    setPositionMs(p);
    setStatus("Paused.");
    setPhase({ kind: "ready" });
  }, [endMs]);

  const hit = useCallback(
    (lane: number, perfTime: number, kind: InputKind, velocity?: number) => {
      const eng = engine.current;
      const s = session.current;
      const r = run.current;
      if (!eng?.playing || !s || !r) return;
      r.inputs.add(kind);
      const song = eng.songAtPerf(perfTime - settingsRef.current.calibration.inputOffsetMs);
      s.hit(lane, song, performance.now(), velocity);
      updateHud();
    },
    [updateHud],
  );

  // Keyboard: lane keys while playing; Escape pauses; a rebind takes the next key.
  useEffect(() => {
    if (!keymap) return;
    const lanes = laneByCode(keymap);
    const onKey = (e: KeyboardEvent) => {
      if (rebinding !== null) {
        e.preventDefault();
        if (e.code !== "Escape") {
          const next = bindKey(keymap, rebinding, e.code);
          setKeymap(next);
          void saveKeyMap(next);
        }
        setRebinding(null);
        return;
      }
      // The engine, not React state, says whether a run is on: the first notes can come before
      // the re-render that follows pressing Play.
      if (!engine.current?.playing) return;
      if (e.code === "Escape") {
        e.preventDefault();
        pause();
        return;
      }
      const lane = lanes.get(e.code);
      if (lane === undefined || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      if (e.repeat) return;
      hit(lane, e.timeStamp, "keyboard");
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, [keymap, rebinding, hit, pause]);

  // Pause when the page loses focus or is hidden: a rhythm game cannot be played blind.
  useEffect(() => {
    if (phase.kind !== "playing") return;
    const onHide = () => {
      if (document.visibilityState === "hidden") pause();
    };
    const onBlur = () => pause();
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("blur", onBlur);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("blur", onBlur);
    };
  }, [phase.kind, pause]);

  // The hook tests and the benchmark drive the player through.
  useEffect(() => {
    window.__beatsightPlayer = {
      perfAtSong: (ms, pass = 0) => engine.current?.perfAtSong(ms, pass) ?? Number.NaN,
      songNow: () => engine.current?.songAtPerf(performance.now()) ?? Number.NaN,
      notes: () => ({ times: Array.from(prepared?.times ?? []), lanes: Array.from(prepared?.lanes ?? []) }),
      drawTimes: () => [...(renderer.current?.drawTimes ?? [])],
      outputLatency: () => {
        const ctx = engine.current?.ctx;
        return ctx ? (ctx.outputLatency ?? 0) + (ctx.baseLatency ?? 0) : Number.NaN;
      },
      renderCounts: () => ({
        ...(renderer.current?.counts ?? { static: 0, scene: 0 }),
        lastDrawn: renderer.current?.lastDrawn ?? 0,
      }),
    };
    return () => {
      delete window.__beatsightPlayer;
    };
  }, [prepared]);

  const onPointerDown = useCallback(
    (e: PointerEvent<HTMLDivElement>) => {
      const r = renderer.current;
      if (!r || !engine.current?.playing) return;
      e.preventDefault();
      const rect = e.currentTarget.getBoundingClientRect();
      hit(r.laneAt(e.clientX - rect.left), e.timeStamp, "touch");
    },
    [hit],
  );

  const updatePrefs = useCallback(
    (change: Partial<PracticePrefs>) => {
      if (!prefs) return;
      const next = { ...prefs, ...change, mix: { ...prefs.mix, ...(change.mix ?? {}) } };
      setPrefs(next);
      engine.current?.setMix(next.mix);
      renderer.current?.setReducedMotion(reducedMotion(next));
      void savePrefs(next);
    },
    [prefs],
  );

  const onPickAudio = useCallback(
    async (e: ChangeEvent<HTMLInputElement>) => {
      const file = e.target.files?.[0];
      const eng = engine.current;
      if (!file || !eng || !chart) return;
      try {
        const placed = await playOwnRecording(eng, file, chart.beatmap, chart.id);
        ownRecording.current = placed.raw;
        setFilePlacement({ offsetMs: placed.offsetMs, key: Date.now() });
        setAudioName(file.name);
        setStatus(placedText(file.name, placed));
      } catch {
        setStatus(`${file.name} could not be decoded by this browser. Try a WAV, MP3 or OGG file.`);
      }
    },
    [chart],
  );

  /** The drummer moves their file against the chart by hand (the automatic line-up missed). */
  const onFileOffset = useCallback(
    (offsetMs: number) => {
      const eng = engine.current;
      const raw = ownRecording.current;
      if (!eng || !raw || !chart || !Number.isFinite(offsetMs)) return;
      const clamped = Math.max(-600_000, Math.min(600_000, Math.round(offsetMs)));
      eng.setAudio({ song: onChartTimeline(eng.ctx, raw, clamped) });
      setFilePlacement((p) => (p ? { ...p, offsetMs: clamped } : p));
      void localDb().charts.update(chart.id, { audioOffsetMs: clamped });
    },
    [chart],
  );

  const connectKit = useCallback(async () => {
    midiConn.current?.close();
    try {
      midiConn.current = await connectMidi({
        kit: pads.kit,
        onNote: pads.consume,
        onHit: (lane, timeStamp, velocity) => {
          const capture = dynCapture.current;
          if (capture) capture.push(velocity);
          else hit(lane, timeStamp, "midi", velocity);
        },
        onInputs: (names) => {
          setMidi({ names });
          const key = names.join(" + ");
          midiKitKey.current = key;
          void pads.loadFor(key);
          void loadVelocityCalibration(key).then((c) => {
            if (session.current) session.current.velocityCalibration = c;
            setDynNote(c ? dynamicsText(c) : "");
          });
        },
      });
    } catch (e) {
      setMidi({ names: [], error: e instanceof Error ? e.message : String(e) });
    }
  }, [hit, pads.kit, pads.consume, pads.loadFor]);

  // Per-kit velocity calibration: soft, normal, then hard strokes on any pad.
  const calibrateDynamics = useCallback(async () => {
    const steps = ["soft (ghost notes)", "normal", "hard (accents)"] as const;
    const got: number[][] = [];
    for (const step of steps) {
      const strokes: number[] = [];
      dynCapture.current = strokes;
      setDynNote(`Play 6 ${step} strokes on any pad…`);
      while (strokes.length < 6) await new Promise((r) => setTimeout(r, 50));
      got.push(strokes);
    }
    dynCapture.current = null;
    const cal = calibrateVelocity(got[0]!, got[1]!, got[2]!);
    if (!cal) {
      setDynNote("Soft, normal and hard strokes overlapped; try again with clearer differences.");
      return;
    }
    if (session.current) session.current.velocityCalibration = cal;
    void saveVelocityCalibration(midiKitKey.current, cal);
    setDynNote(dynamicsText(cal));
  }, []);

  const seek = useCallback(
    (ms: number) => {
      const p = Math.max(0, Math.min(endMs, ms));
      positionRef.current = p;
      setPositionMs(p);
      if (phase.kind === "playing") void play();
    },
    [endMs, phase.kind, play],
  );

  const drillBar = useCallback(
    (bar: number) => {
      if (!prepared) return;
      const a = barStartMs(prepared.tempo, bar);
      const b = barStartMs(prepared.tempo, bar + 1);
      setLoop({ a, b });
      setLoopA(null);
      positionRef.current = a;
      setPositionMs(a);
      updatePrefs({ rate: Math.min(prefs?.rate ?? 1, 0.75) });
      setPhase({ kind: "ready" });
      setStatus(`Loop set on bar ${bar + 1} at ${Math.round(Math.min(prefs?.rate ?? 1, 0.75) * 100)} %.`);
    },
    [prepared, prefs, updatePrefs],
  );

  if (phase.kind === "loading") return <p role="status">Loading the chart…</p>;
  if (phase.kind === "missing")
    return (
      <div className="empty-state" role="status">
        <p>This chart is not in this device&apos;s library.</p>
        <p>
          <Link href="/library">Open the library</Link> to pick another.
        </p>
      </div>
    );
  if (phase.kind === "error")
    return <ErrorMessage error={phase.message} action="Reload the page to try again." />;
  if (!chart || !prepared || !prefs || !keymap) return null;

  const playing = phase.kind === "playing";
  const bookmarks = chart.beatmap.Editor?.Bookmarks ?? [];
  const mode = prefs.mix.mode;

  return (
    <div className="player" data-palette={prefs.palette}>
      <header className="player-head">
        <h1 id="play-title">{chart.title}</h1>
        <p className="muted">
          {chart.artist || "Unknown artist"} · {chart.noteCount} notes ·{" "}
          {hasStems ? "stems" : audioName ? audioName : "no audio: metronome only"}
        </p>
      </header>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="player-status">
        {status}
      </p>

      {phase.kind === "results" ? (
        <ResultsView
          summary={phase.summary}
          rate={phase.rate}
          history={phase.history}
          onAgain={() => setPhase({ kind: "ready" })}
          onDrill={drillBar}
        />
      ) : (
        <>
          <div className="player-stage">
            <HighwayView
              palette={prefs.palette}
              onRenderer={onRenderer}
              onResize={drawStill}
              onPointerDown={onPointerDown}
            />
            <Hud store={hudStore} showPass={loop !== null} />
          </div>

          <div className="player-transport">
            {playing ? (
              <button type="button" onClick={pause} data-testid="pause">
                Pause <span className="muted">(Esc)</span>
              </button>
            ) : (
              <button type="button" onClick={() => void play()} data-testid="play">
                {loop ? "Play loop" : positionMs > 0 ? "Resume" : "Play"}
              </button>
            )}
            {playing ? (
              <button type="button" className="secondary" onClick={() => void finish()}>
                Finish and see results
              </button>
            ) : null}
            <button type="button" className="secondary" onClick={() => seek(0)}>
              Back to start
            </button>
            <label className="seek">
              <span className="visually-hidden">Position</span>
              <input
                type="range"
                min={0}
                max={Math.max(1, Math.round(endMs))}
                step={100}
                value={Math.round(positionMs)}
                onChange={(e) => seek(Number(e.target.value))}
                aria-valuetext={formatTime(positionMs)}
              />
            </label>
            <output ref={timeOutput} data-testid="time">
              {formatTime(positionMs)} / {formatTime(endMs)}
            </output>
          </div>

          <div className="player-controls">
            <fieldset>
              <legend>Tempo</legend>
              <label>
                <input
                  type="range"
                  min={25}
                  max={150}
                  step={5}
                  value={Math.round(prefs.rate * 100)}
                  aria-label="Tempo"
                  aria-valuetext={`${Math.round(prefs.rate * 100)} %`}
                  disabled={playing}
                  onChange={(e) => updatePrefs({ rate: Number(e.target.value) / 100 })}
                />{" "}
                <span data-testid="rate">{Math.round(prefs.rate * 100)} %</span>
              </label>
              {pitchNote ? (
                <p className="muted" data-testid="pitch-note">
                  {pitchNote}
                </p>
              ) : null}
              <label>
                <input
                  type="checkbox"
                  checked={prefs.palette === "colour-blind"}
                  onChange={(e) => updatePrefs({ palette: e.target.checked ? "colour-blind" : "standard" })}
                />{" "}
                Colour-blind-safe lane colours
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={reducedMotion(prefs)}
                  onChange={(e) => updatePrefs({ reduceMotion: e.target.checked })}
                />{" "}
                Reduce motion (steady hit marks, no fading)
              </label>
              <label>
                Scroll speed{" "}
                <input
                  type="range"
                  min={1}
                  max={10}
                  value={prefs.scrollSpeed}
                  onChange={(e) => updatePrefs({ scrollSpeed: Number(e.target.value) })}
                />{" "}
                {prefs.scrollSpeed}
              </label>
            </fieldset>

            <fieldset>
              <legend>Loop</legend>
              <button
                type="button"
                className="secondary"
                disabled={playing}
                onClick={() => {
                  const a = snapToBeat(prepared.tempo, positionRef.current);
                  setLoopA(a);
                  setLoop(null);
                  setStatus(`Loop start set at ${formatTime(a)}; move on and set the end.`);
                }}
              >
                Set A
              </button>
              <button
                type="button"
                className="secondary"
                disabled={playing || loopA === null}
                onClick={() => {
                  const b = snapToBeat(prepared.tempo, positionRef.current);
                  if (loopA === null || b <= loopA) {
                    setStatus("The loop end must come after its start.");
                    return;
                  }
                  setLoop({ a: loopA, b });
                  setStatus(`Loop ${formatTime(loopA)}–${formatTime(b)} set.`);
                }}
              >
                Set B
              </button>
              <button
                type="button"
                className="secondary"
                disabled={playing || (!loop && loopA === null)}
                onClick={() => {
                  setLoop(null);
                  setLoopA(null);
                }}
              >
                Clear
              </button>
              <span data-testid="loop">
                {loop
                  ? `${formatTime(loop.a)}–${formatTime(loop.b)}`
                  : loopA !== null
                    ? `A ${formatTime(loopA)}`
                    : "off"}
              </span>
              <label>
                Count-in{" "}
                <select
                  value={prefs.countInBeats}
                  onChange={(e) => updatePrefs({ countInBeats: Number(e.target.value) })}
                >
                  {[0, 2, 4, 8].map((n) => (
                    <option key={n} value={n}>
                      {n === 0 ? "none" : `${n} beats`}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={trainerOn}
                  disabled={playing}
                  onChange={(e) => setTrainerOn(e.target.checked)}
                />{" "}
                Speed trainer{" "}
                <span className="muted">
                  (from this tempo: +5 % after a clean pass, −5 % after 2 misses, up to 100 %)
                </span>
              </label>
              {trainerLog.length > 0 ? (
                <ol className="trainer-log" data-testid="trainer-log" aria-live="polite">
                  {trainerLog.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ol>
              ) : null}
              {bookmarks.length > 0 ? (
                <div className="bookmarks">
                  {bookmarks.map((b) => (
                    <button key={b} type="button" className="secondary" onClick={() => seek(b)}>
                      ▸ {formatTime(b)}
                    </button>
                  ))}
                </div>
              ) : null}
            </fieldset>

            <fieldset>
              <legend>Sound</legend>
              {hasStems ? (
                <div role="radiogroup" aria-label="Stems" className="stem-modes">
                  {(
                    [
                      ["full", "Full mix"],
                      ["drums", "Drums only"],
                      ["drumless", "Drumless"],
                    ] as [StemMode, string][]
                  ).map(([m, label]) => (
                    <label key={m}>
                      <input
                        type="radio"
                        name="stem-mode"
                        checked={mode === m}
                        onChange={() => updatePrefs({ mix: { ...prefs.mix, mode: m } })}
                      />{" "}
                      {label}
                    </label>
                  ))}
                  <label>
                    Drums{" "}
                    <input
                      type="range"
                      min={0}
                      max={1}
                      step={0.05}
                      value={prefs.mix.drums}
                      onChange={(e) => updatePrefs({ mix: { ...prefs.mix, drums: Number(e.target.value) } })}
                    />
                  </label>
                  <label>
                    Band{" "}
                    <input
                      type="range"
                      min={0}
                      max={1}
                      step={0.05}
                      value={prefs.mix.accompaniment}
                      onChange={(e) =>
                        updatePrefs({ mix: { ...prefs.mix, accompaniment: Number(e.target.value) } })
                      }
                    />
                  </label>
                </div>
              ) : (
                <>
                  <label className="pick-audio">
                    {audioName ? "Play along with another file" : "Play along with the song file"}{" "}
                    <input
                      type="file"
                      accept="audio/*"
                      onChange={(e) => void onPickAudio(e)}
                      disabled={playing}
                    />
                  </label>
                  {filePlacement ? (
                    <label title="Where your file sits on the chart: positive when it has more audio before the song starts.">
                      File offset (ms){" "}
                      <input
                        type="number"
                        step={5}
                        key={filePlacement.key}
                        defaultValue={filePlacement.offsetMs}
                        onChange={(e) => {
                          if (e.target.value !== "") onFileOffset(Number(e.target.value));
                        }}
                        disabled={playing}
                        data-testid="file-offset"
                      />
                    </label>
                  ) : null}
                </>
              )}
              <label>
                <input
                  type="checkbox"
                  checked={prefs.mix.metronomeOn}
                  onChange={(e) => updatePrefs({ mix: { ...prefs.mix, metronomeOn: e.target.checked } })}
                />{" "}
                Metronome
              </label>
              <label>
                Click volume{" "}
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={prefs.mix.metronome}
                  onChange={(e) => updatePrefs({ mix: { ...prefs.mix, metronome: Number(e.target.value) } })}
                />
              </label>
              {/* The metronome clicks on the chart's grid: say how sure the generator was of it. */}
              <GridNotice
                timing={chart.beatmap.Timing}
                endMs={chart.beatmap.Audio.Duration ?? chart.beatmap.HitObjects.at(-1)?.Time ?? 0}
                fixHref={`/edit/local/${chart.id}?tools=timing`}
              />
            </fieldset>

            <fieldset>
              <legend>Your kit</legend>
              <label>
                Toms{" "}
                <select
                  value={kit.toms}
                  disabled={playing}
                  onChange={(e) => changeKit({ toms: Number(e.target.value) as KitProfile["toms"] })}
                >
                  {[0, 1, 2, 3].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Crashes{" "}
                <select
                  value={kit.crashes}
                  disabled={playing}
                  onChange={(e) => changeKit({ crashes: Number(e.target.value) === 1 ? 1 : 2 })}
                >
                  <option value={1}>1</option>
                  <option value={2}>2</option>
                </select>
              </label>
              {(
                [
                  ["ride", "Ride"],
                  ["splash", "Splash"],
                  ["china", "China"],
                  ["hihatPedal", "Hi-hat pedal"],
                  ["doublePedal", "Double kick pedal"],
                ] as const
              ).map(([key, label]) => (
                <label key={key}>
                  <input
                    type="checkbox"
                    checked={kit[key]}
                    disabled={playing}
                    onChange={(e) => changeKit({ [key]: e.target.checked })}
                  />{" "}
                  {label}
                </label>
              ))}
              {foldNote && foldNote.moved + foldNote.dropped > 0 ? (
                <p className="muted" data-testid="kit-fold">
                  Folded to your kit: {foldNote.moved} notes moved, {foldNote.dropped} left out.
                </p>
              ) : null}
            </fieldset>

            <fieldset>
              <legend>Input</legend>
              <ul className="keymap">
                {keymap.map((codes, lane) => (
                  <li key={LANE_LABELS[lane as Lane]}>
                    <span>{LANE_LABELS[lane as Lane]}</span>{" "}
                    <button
                      type="button"
                      className="secondary"
                      disabled={playing}
                      aria-label={`${LANE_LABELS[lane as Lane]} key: ${codes.map(keyLabel).join(", ") || "none"}. Change`}
                      onClick={() => setRebinding(lane)}
                    >
                      {rebinding === lane ? "Press a key…" : codes.map(keyLabel).join(" / ") || "—"}
                    </button>
                  </li>
                ))}
              </ul>
              <button
                type="button"
                className="secondary"
                onClick={() => void connectKit()}
                disabled={playing}
              >
                Connect e-kit (MIDI)
              </button>
              {midi ? (
                <p data-testid="midi-status" className={midi.error ? "error" : "muted"}>
                  {midi.error ??
                    (midi.names.length ? `Listening to ${midi.names.join(", ")}` : "No MIDI inputs found.")}
                </p>
              ) : null}
              {midi && !midi.error && midi.names.length > 0 ? (
                <>
                  <button
                    type="button"
                    className="secondary"
                    disabled={playing}
                    onClick={() => void calibrateDynamics()}
                  >
                    Calibrate dynamics (ghosts and accents)
                  </button>
                  {dynNote ? (
                    <p className="muted" data-testid="dynamics-calibration" aria-live="polite">
                      {dynNote}
                    </p>
                  ) : null}
                  <PadMappingView pads={pads} disabled={playing} />
                </>
              ) : null}
              {engine.current ? (
                <CalibrationPanel
                  ctx={engine.current.ctx}
                  calibration={calibration}
                  onChange={setCalibration}
                  disabled={playing}
                  keymap={keymap}
                />
              ) : null}
            </fieldset>
          </div>
          <p className="muted">
            {LANE_COUNT} lanes, left to right: {Object.values(LANE_LABELS).join(", ")}. Tap the lanes on a
            touch screen.
          </p>
        </>
      )}
    </div>
  );
}
