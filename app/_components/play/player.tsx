"use client";
// The practice player page: loads the chart from the device's library (load-practice.ts), then
// renders the practice controller (lib/practice/practice-controller.ts), which decides everything
// about the run: transport, count-in, loops, judging, the speed trainer. The views here only show
// its stores and forward the drummer's input; the settings a drummer changes are kept on the device.
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { LANE_LABELS } from "@/lib/beatmap/lanes.ts";
import type { MixSettings } from "@/lib/practice/audio-engine.ts";
import { laneColumns } from "@/lib/practice/highway.ts";
import type { KeyMap } from "@/lib/practice/keymap.ts";
import { keyLabel } from "@/lib/practice/keymap.ts";
import { LEVEL_LABELS } from "@/lib/practice/levels.ts";
import { isRunning } from "@/lib/practice/transport-state.ts";
import { localDb, type StoredResult } from "@/lib/store/db.ts";
import { listResults, saveResult } from "@/lib/store/results.ts";
import { ErrorMessage } from "../error-message.tsx";
import { LevelChooser } from "../level-chooser.tsx";
import { NotationSwitch } from "../notation/notation-switch.tsx";
import { addressId } from "../pwa/address-id.ts";
import { setPracticePlaying } from "../pwa/practice-activity.ts";
import { HighwayPanel } from "./highway-panel.tsx";
import type { HighwayRenderer } from "./highway-renderer.ts";
import { HighwayView } from "./highway-view.tsx";
import { Hud } from "./hud.tsx";
import { InputPanel } from "./input-panel.tsx";
import { KitPanel } from "./kit-panel.tsx";
import { type LoadedPractice, loadPractice, rechart } from "./load-practice.ts";
import { LoopPanel } from "./loop-panel.tsx";
import { usePauseWhenHidden, usePlayerKeys, usePlayerTestHandle } from "./player-input.ts";
import { type PracticePrefs, reducedMotion, saveKeyMap, savePrefs } from "./practice-settings.ts";
import { ResultsView } from "./results-view.tsx";
import { SoundPanel, useSongFile } from "./sound-panel.tsx";
import { syncResult } from "./sync-result.ts";
import { TempoPanel } from "./tempo-panel.tsx";
import { CountIn, TransportBar } from "./transport-bar.tsx";
import { useValue } from "./use-value.ts";

export type { PlayerTestHandle } from "./player-input.ts";

type PrefsChange = Partial<Omit<PracticePrefs, "mix">> & { mix?: Partial<MixSettings> };

type Loading =
  | { kind: "loading" }
  | { kind: "missing" }
  | { kind: "error"; message: string }
  | { kind: "ready"; practice: LoadedPractice };

export function Player({ chartId: routeChartId }: { chartId: string }) {
  // Offline the page may be the player shell: the address names the chart (pwa/address-id.ts).
  const chartId = useMemo(() => addressId("/play/", routeChartId), [routeChartId]);
  const [loading, setLoading] = useState<Loading>({ kind: "loading" });
  useEffect(() => {
    let cancelled = false;
    let loaded: LoadedPractice | null = null;
    const release = (p: LoadedPractice) => {
      p.controller.dispose();
      void p.engine.close();
    };
    loadPractice(chartId).then(
      (p) => {
        if (cancelled) {
          if (p) release(p);
          return;
        }
        loaded = p;
        setLoading(p ? { kind: "ready", practice: p } : { kind: "missing" });
      },
      (e: unknown) => {
        if (!cancelled) setLoading({ kind: "error", message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      cancelled = true;
      if (loaded) release(loaded);
    };
  }, [chartId]);

  if (loading.kind === "loading") return <p role="status">Loading the chart…</p>;
  if (loading.kind === "missing")
    return (
      <div className="empty-state" role="status">
        <p>This chart is not in this device&apos;s library.</p>
        <p>
          <Link href="/library">Open the library</Link> to pick another.
        </p>
      </div>
    );
  if (loading.kind === "error")
    return <ErrorMessage error={loading.message} action="Reload the page to try again." />;
  return <Practice practice={loading.practice} />;
}

function Practice({ practice }: { practice: LoadedPractice }) {
  const { chart, engine, controller } = practice;
  const view = useValue(controller.view);
  const running = isRunning(view.transport);
  const [prefs, setPrefs] = useState(practice.settings.prefs);
  const [keymap, setKeymap] = useState(practice.settings.keymap);
  const [calibration, setCalibration] = useState(practice.settings.calibration);
  const [rebinding, setRebinding] = useState<number | null>(null);
  const [results, setResults] = useState<StoredResult[] | null>(null);
  const [level, setLevel] = useState(practice.choice.level);
  const song = useSongFile(practice);
  const renderer = useRef<HighwayRenderer | null>(null);

  // The update prompt waits while a run plays (app/_components/pwa).
  useEffect(() => {
    setPracticePlaying(running);
    return () => setPracticePlaying(false);
  }, [running]);
  useEffect(() => controller.setCalibration(calibration), [controller, calibration]);

  // The highway's size, scroll speed, tempo and key labels; drawn again when parked.
  const layout = useRef({ prefs, keymap });
  layout.current = { prefs, keymap };
  const relayout = useCallback(() => {
    const r = renderer.current;
    const box = r ? (document.querySelector('[data-testid="highway"]') as HTMLElement | null) : null;
    if (!r || !box) return;
    const { prefs: p, keymap: k } = layout.current;
    const rate = controller.view.get().rate;
    r.setLayout(box.clientWidth, box.clientHeight, window.devicePixelRatio || 1, p.approachMs, rate);
    r.setOptions({ columns: laneColumns(p.laneOrder, p.lefty), barNumbers: p.barNumbers });
    r.setLabels({ keys: k.map((codes) => codes.map(keyLabel).join(" / ")) });
    r.setReducedMotion(reducedMotion(p));
    controller.redraw();
  }, [controller]);
  const onRenderer = useCallback(
    (r: HighwayRenderer | null) => {
      renderer.current = r;
      relayout();
      controller.attachHighway(r);
    },
    [controller, relayout],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: lay out again whenever what it shows changes
  useEffect(() => relayout(), [relayout, prefs, keymap, view.rate, running]);

  // A finished run is kept on the device (and queued for the server), then shown with its history.
  useEffect(() => {
    const run = view.finished;
    if (!run) {
      setResults(null);
      return;
    }
    let cancelled = false;
    (async () => {
      try {
        const saved = await saveResult(localDb(), {
          chartId: chart.id,
          contentHash: chart.contentHash,
          rate: run.rate,
          fromMs: run.fromMs,
          toMs: run.toMs,
          input: run.input,
          level: practice.choice.level,
          summary: run.summary,
        });
        void syncResult(chart, saved, run.summary).catch((e: unknown) =>
          console.warn("result not queued", e),
        );
      } catch (e) {
        console.error("could not save the result", e);
      }
      const history = await listResults(localDb(), chart.id, 50, practice.choice.level).catch(() => []);
      if (!cancelled) setResults(history);
    })();
    return () => {
      cancelled = true;
    };
  }, [view.finished, chart, practice]);

  // Settings are kept on the device; the tempo and count-in go to the controller for the next run.
  const prefsRef = useRef(prefs);
  const onPrefs = useCallback(
    (change: PrefsChange) => {
      const current = prefsRef.current;
      const next: PracticePrefs = {
        ...current,
        // The trainer may have moved the tempo since the drummer last chose one.
        rate: controller.view.get().rate,
        ...change,
        mix: { ...current.mix, ...change.mix },
      };
      prefsRef.current = next;
      setPrefs(next);
      engine.setMix(next.mix);
      if (change.rate !== undefined) controller.setRate(change.rate);
      if (change.countInBeats !== undefined) controller.setCountIn(change.countInBeats);
      void savePrefs(next);
    },
    [engine, controller],
  );
  const onMix = useCallback((mix: Partial<MixSettings>) => onPrefs({ mix }), [onPrefs]);
  const onRebound = useCallback((next: KeyMap | null) => {
    setRebinding(null);
    if (!next) return;
    setKeymap(next);
    void saveKeyMap(next);
  }, []);

  usePlayerKeys({ controller, keymap, rebinding, onRebound });
  usePauseWhenHidden(controller, running);
  usePlayerTestHandle(practice, renderer);

  const finished = view.finished && results ? view.finished : null;
  return (
    <div className="player" data-palette={prefs.palette}>
      <header className="player-head">
        <h1 id="play-title">{chart.title}</h1>
        <p className="muted">
          {chart.artist || "Unknown artist"} · {LEVEL_LABELS[level]} ·{" "}
          <span data-testid="level-notes">{practice.levels.find((l) => l.level === level)?.notes}</span> notes
          · {practice.hasStems ? "stems" : (song.file?.name ?? "no audio: metronome only")}
        </p>
      </header>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="player-status">
        {view.message}
      </p>

      {view.error ? (
        <ErrorMessage error={view.error} action="Press Play to try again, or reload the page." />
      ) : null}
      {finished && results ? (
        <ResultsView
          summary={finished.summary}
          rate={finished.rate}
          level={practice.choice.level}
          history={results}
          onAgain={() => controller.dismissResult()}
          onDrill={(bar) => {
            controller.drillBar(bar);
            onPrefs({ rate: controller.view.get().rate });
          }}
        />
      ) : null}
      {/* Hidden, not unmounted, while the results show: the highway, MIDI kit and settings stay. */}
      <div hidden={view.finished !== null}>
        <NotationSwitch controller={controller} beatmap={chart.beatmap} title={chart.title} />
        <div className="player-stage">
          <HighwayView
            palette={prefs.palette}
            onRenderer={onRenderer}
            onResize={relayout}
            onPointerDown={(e) => {
              const r = renderer.current;
              if (!r || !controller.running) return;
              e.preventDefault();
              const rect = e.currentTarget.getBoundingClientRect();
              controller.hit(r.laneAt(e.clientX - rect.left, e.clientY - rect.top), e.timeStamp, "touch");
            }}
          />
          <CountIn controller={controller} />
          <Hud store={controller.hud} showPass={view.transport.loop !== null} />
        </div>
        <TransportBar controller={controller} />
        <div className="player-controls">
          <LevelChooser
            value={level}
            summaries={practice.levels}
            disabled={running}
            disabledNote="Pause to change the level."
            onChange={(next) => {
              if (rechart(practice, { level: next })) setLevel(next);
            }}
          />
          <TempoPanel controller={controller} onPrefs={onPrefs} />
          <HighwayPanel controller={controller} prefs={prefs} onPrefs={onPrefs} />
          <LoopPanel
            controller={controller}
            bookmarks={chart.beatmap.Editor?.Bookmarks ?? []}
            onCountIn={(countInBeats) => onPrefs({ countInBeats })}
          />
          <SoundPanel practice={practice} song={song} prefs={prefs} onMix={onMix} running={running} />
          <KitPanel practice={practice} running={running} />
          <InputPanel
            controller={controller}
            ctx={engine.ctx}
            keymap={keymap}
            rebinding={rebinding}
            onRebind={setRebinding}
            calibration={calibration}
            onCalibration={setCalibration}
            running={running}
          />
        </div>
        <p className="muted">
          Highway, left to right:{" "}
          {laneColumns(prefs.laneOrder, prefs.lefty)
            .map((l) => LANE_LABELS[l])
            .join(", ")}
          ; the kick is the bar across them. On a touch screen tap a column, or under the strike line for the
          kick.
        </p>
      </div>
    </div>
  );
}
