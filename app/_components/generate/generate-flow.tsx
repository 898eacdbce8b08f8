"use client";
// The generate page: a song becomes a chart on this device. Probe what the device can run, time the
// backends once a song is chosen (./use-backend-choice.ts), let the user see and override the
// choice with its estimate, decode and fingerprint, run the generation Worker with progress and
// cancel, then keep the chart (and stems) in the local library, findable by a later drop of the
// song. Arriving from the intake's "Generate the chart" it starts by itself: one click from drop to
// generation. Weak devices (or a user's choice) hand the song to the server queue instead
// (../jobs/server-upload.tsx).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type ChangeEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { decodeWithWebAudio, probeDurationSeconds } from "@/lib/audio/decode-browser.ts";
import { encodeWav16 } from "@/lib/audio/wav.ts";
import { LANE_LABELS, LANE_NAMES } from "@/lib/beatmap/index.ts";
import { createFingerprintWorker } from "@/lib/fingerprint/worker-client.ts";
import { isAbortError } from "@/lib/inference/abort.ts";
import type { ClientChoice } from "@/lib/inference/capabilities.ts";
import { BROWSER_DECODE_RATE, toModelAudio } from "@/lib/pipeline/model-audio.ts";
import type { ProgressEvent } from "@/lib/pipeline/progress.ts";
import { stemsAtSourceRate } from "@/lib/pipeline/stems.ts";
import {
  type BrowserGenerateResult,
  createGenerationWorker,
  type GenerationWorker,
} from "@/lib/pipeline/worker-client.ts";
import { saveChart } from "@/lib/store/charts.ts";
import { localDb, type StoredChart } from "@/lib/store/db.ts";
import { isQuotaError, QUOTA_MESSAGE, requestPersistence } from "@/lib/store/storage.ts";
import { ChartDownloads } from "../chart-downloads.tsx";
import { ErrorMessage } from "../error-message.tsx";
import { GridNotice } from "../grid-notice.tsx";
import { type FileFingerprint, fingerprintAudioFile } from "../intake/fingerprint-file.ts";
import { ServerUpload } from "../jobs/server-upload.tsx";
import { queueAndSend } from "../pwa/outbox-sync.ts";
import { useTRPC } from "../trpc.tsx";
import { ChartPreview, waveformEnvelope } from "./chart-preview.tsx";
import { formatBytes, formatEta, STAGE_LABEL } from "./format.ts";
import { type PendingSong, takePendingSong } from "./pending-file.ts";
import { useBackendChoice } from "./use-backend-choice.ts";

const MAX_FILE_BYTES = 200 * 1024 * 1024;
const MAX_SECONDS = 20 * 60;

type Phase =
  | { kind: "choose" }
  | { kind: "running"; progress: ProgressEvent | null; download: string | null }
  | {
      kind: "done";
      result: BrowserGenerateResult;
      chart: StoredChart;
      stemsSaved: boolean;
      /** The stems were asked for but did not fit in this device's storage. */
      stemsNoRoom: boolean;
      envelope: Float32Array;
      song: PendingSong;
    }
  | { kind: "failed"; message: string };

let sharedWorker: GenerationWorker | undefined;
function generationWorker(): GenerationWorker {
  sharedWorker ??= createGenerationWorker(
    () => new Worker(new URL("../../../lib/pipeline/worker.ts", import.meta.url), { type: "module" }),
  );
  return sharedWorker;
}

/** "Downloading models: 3.1 MB of 8.8 MB": the same total before, during and after. */
const downloadText = (loaded: number, total: number) =>
  `Downloading models: ${formatBytes(Math.min(loaded, total))} of ${formatBytes(total)}`;

export function GenerateFlow() {
  const [song, setSong] = useState<PendingSong | null>(null);
  const [durationSeconds, setDurationSeconds] = useState<number | null>(null);
  const [keepStems, setKeepStems] = useState(true);
  const [phase, setPhase] = useState<Phase>({ kind: "choose" });
  const controller = useRef<AbortController | null>(null);
  const autostarted = useRef(false);
  const fileInputId = useId();
  const trpc = useTRPC();
  const serverOffer = useQuery(trpc.jobs.offer.queryOptions());
  const backend = useBackendChoice({
    worker: generationWorker,
    serverOffered: serverOffer.isFetched ? (serverOffer.data?.enabled ?? false) : null,
    songChosen: song !== null,
    durationSeconds,
    formatDownload: downloadText,
  });
  const { manifest, caps, decision, choice, toDownload } = backend;

  useEffect(() => {
    let live = true;
    void takePendingSong().then((pending) => {
      if (pending && live) setSong((chosen) => chosen ?? pending);
    });
    return () => {
      live = false;
      controller.current?.abort();
    };
  }, []);

  // The song's length, for the estimate: from the intake, else read from the file's header.
  useEffect(() => {
    if (!song) return;
    if (song.durationSeconds !== undefined) {
      setDurationSeconds(song.durationSeconds);
      return;
    }
    const probe = new AbortController();
    setDurationSeconds(null);
    void probeDurationSeconds(song.file, probe.signal).then((seconds) => {
      if (!probe.signal.aborted) setDurationSeconds(seconds);
    });
    return () => probe.abort();
  }, [song]);

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setSong({ file });
  };

  const run = useCallback(async () => {
    if (!song || !manifest || !caps || (choice !== "webgpu" && choice !== "wasm")) return;
    if (song.file.size > MAX_FILE_BYTES) {
      setPhase({
        kind: "failed",
        message: `This file is ${formatBytes(song.file.size)}; the limit is ${formatBytes(MAX_FILE_BYTES)}.`,
      });
      return;
    }
    const abort = new AbortController();
    controller.current = abort;
    setPhase({ kind: "running", progress: null, download: null });
    const downloadTotal = toDownload ?? manifest.downloadBytes;
    const downloaded = new Map<string, number>();
    // The chart names its recording by fingerprint, so a later drop of the song (any encoding)
    // finds it in the library, shared or not. Computed beside the decode; a file too short or
    // silent to fingerprint still gets its chart.
    const fingerprinted: Promise<FileFingerprint | null> =
      song.fingerprint && song.durationSeconds !== undefined
        ? Promise.resolve({ fingerprint: song.fingerprint, durationSeconds: song.durationSeconds })
        : fingerprintSong(song.file, abort.signal);
    try {
      const t0 = performance.now();
      const bytes = await song.file.arrayBuffer();
      const rate = manifest.models.transcriber.sampleRate;
      // One decode at the song's rate: the stems need it, and the models' input is resampled from it
      // by the same code as in Node (lib/pipeline/model-audio.ts), so both make the same chart.
      const full = await decodeWithWebAudio(bytes, {
        sampleRate: BROWSER_DECODE_RATE,
        maxSeconds: MAX_SECONDS,
        signal: abort.signal,
      });
      if ((full.durationSeconds ?? 0) > MAX_SECONDS) {
        throw new Error(
          `This song is longer than ${MAX_SECONDS / 60} minutes; BeatSight charts songs up to that length.`,
        );
      }
      const decodeSeconds = (performance.now() - t0) / 1000;
      const audio = toModelAudio(full.channels, full.sampleRate, rate);
      const durationMs = Math.round(
        (full.durationSeconds ?? full.channels[0]!.length / full.sampleRate) * 1000,
      );
      const envelope = waveformEnvelope(audio);
      const fingerprint = (await fingerprinted)?.fingerprint;
      const result = await generationWorker().generate(
        {
          audio,
          sampleRate: rate,
          source: {
            durationMs,
            sampleRate: full.sampleRate,
            filename: song.file.name,
            ...(fingerprint ? { fingerprint } : {}),
          },
          metadata: { title: song.file.name.replace(/\.[^.]+$/, "") },
          priorStageSeconds: { decode: Math.round(decodeSeconds * 1000) / 1000 },
        },
        {
          backend: choice,
          threads: backend.threads,
          models: manifest.models,
          signal: abort.signal,
          onProgress: (progress) => setPhase((p) => (p.kind === "running" ? { ...p, progress } : p)),
          onDownload: (d) => {
            if (d.fromCache) return;
            downloaded.set(d.url, d.loadedBytes);
            const loaded = [...downloaded.values()].reduce((a, b) => a + b, 0);
            setPhase((p) =>
              p.kind === "running" ? { ...p, download: downloadText(loaded, downloadTotal) } : p,
            );
          },
        },
      );
      let stems: { sampleRate: number; drums: Blob; accompaniment: Blob } | undefined;
      if (keepStems && result.stems) {
        const atRate = stemsAtSourceRate(full.channels, full.sampleRate, result.stems);
        stems = {
          sampleRate: atRate.sampleRate,
          drums: new Blob([encodeWav16(atRate.drums, atRate.sampleRate) as Uint8Array<ArrayBuffer>], {
            type: "audio/wav",
          }),
          accompaniment: new Blob(
            [encodeWav16(atRate.accompaniment, atRate.sampleRate) as Uint8Array<ArrayBuffer>],
            { type: "audio/wav" },
          ),
        };
      }
      let chart: StoredChart;
      let stemsSaved = Boolean(stems);
      let stemsNoRoom = false;
      const chartOnly = {
        beatmap: result.beatmap,
        origin: "generated" as const,
        ...(song.songId ? { songId: song.songId } : {}),
      };
      try {
        chart = await saveChart(localDb(), { ...chartOnly, ...(stems ? { stems } : {}) });
      } catch (error) {
        // Dexie wraps the browser's QuotaExceededError; isQuotaError looks inside.
        if (!isQuotaError(error)) throw error;
        if (!stems) throw new Error(QUOTA_MESSAGE);
        // No room for the stems: keep the chart, which is small.
        chart = await saveChart(localDb(), chartOnly).catch((e: unknown) => {
          throw isQuotaError(e) ? new Error(QUOTA_MESSAGE) : e;
        });
        stemsSaved = false;
        stemsNoRoom = true;
      }
      // Now there is something to lose: ask the browser to keep the library (lib/store/storage.ts).
      void requestPersistence();
      const fp = await fingerprinted;
      setPhase({
        kind: "done",
        result,
        chart,
        stemsSaved,
        stemsNoRoom,
        envelope,
        song: fp ? { ...song, fingerprint: fp.fingerprint, durationSeconds: fp.durationSeconds } : song,
      });
    } catch (error) {
      if (isAbortError(error)) setPhase({ kind: "choose" });
      else setPhase({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    } finally {
      controller.current = null;
      backend.refreshDownload();
    }
  }, [song, manifest, caps, choice, keepStems, toDownload, backend.threads, backend.refreshDownload]);

  // One click from drop to generation: a song handed over by the intake starts as soon as the
  // backend is decided (and timed, when a timing is on its way), unless it goes to the server.
  useEffect(() => {
    if (!song?.autostart || autostarted.current || phase.kind !== "choose") return;
    if (!decision || backend.waitingForMeasurement) return;
    if (choice !== "webgpu" && choice !== "wasm") return;
    autostarted.current = true;
    void run();
  }, [song, decision, choice, phase.kind, backend.waitingForMeasurement, run]);

  return (
    <div className="generate">
      <section aria-labelledby="gen-song" className="card">
        <h2 id="gen-song">1. The song</h2>
        {song ? (
          <p data-testid="chosen-file">
            <strong>{song.file.name}</strong> ({formatBytes(song.file.size)})
            {song.songId ? " — registered song" : ""}
          </p>
        ) : (
          <p>Choose an audio file (mp3, m4a, ogg, opus, flac or wav). It stays on this device.</p>
        )}
        <label htmlFor={fileInputId} className="file-label">
          {song ? "Choose another file" : "Choose a file"}
        </label>
        <input
          id={fileInputId}
          type="file"
          accept="audio/*,.mp3,.m4a,.aac,.ogg,.opus,.flac,.wav"
          onChange={onFile}
          disabled={phase.kind === "running"}
        />
      </section>

      <section aria-labelledby="gen-device" className="card">
        <h2 id="gen-device">2. Where it runs</h2>
        {backend.setupError ? (
          <ErrorMessage error={backend.setupError} action="Reload the page to try again." />
        ) : null}
        {!decision && !backend.setupError ? <p role="status">Checking what this device can run…</p> : null}
        {decision && manifest ? (
          <fieldset className="backend-choice" disabled={phase.kind === "running"}>
            <legend>
              Recommended: <strong data-testid="recommended-backend">{labelOf(decision.choice)}</strong>.
              Models to download:{" "}
              <span data-testid="models-to-download">
                {toDownload === null ? "…" : toDownload > 0 ? formatBytes(toDownload) : "none"}
              </span>{" "}
              (once; kept for offline use).
            </legend>
            {decision.options.map((option) => (
              <label key={option.choice} className="option">
                <input
                  type="radio"
                  name="backend"
                  value={option.choice}
                  checked={choice === option.choice}
                  disabled={!option.possible}
                  onChange={() => backend.setOverride(option.choice)}
                />
                <span>
                  <strong>{labelOf(option.choice)}</strong> — {option.reason}
                </span>
              </label>
            ))}
            <label className="option">
              <input type="checkbox" checked={keepStems} onChange={(e) => setKeepStems(e.target.checked)} />
              <span>Keep the drum and drumless stems for practice (uses more storage)</span>
            </label>
          </fieldset>
        ) : null}
        {decision ? (
          <Measurement choice={choice} song={song} durationSeconds={durationSeconds} backend={backend} />
        ) : null}
      </section>

      <section aria-labelledby="gen-run" className="card">
        <h2 id="gen-run">3. Generate</h2>
        {choice === "server" ? (
          <ServerUpload file={song?.file ?? null} />
        ) : phase.kind === "running" ? (
          <RunningView phase={phase} onCancel={() => controller.current?.abort()} />
        ) : (
          <button
            type="button"
            onClick={run}
            disabled={!song || !decision || (choice !== "webgpu" && choice !== "wasm")}
          >
            Generate the chart
          </button>
        )}
        {phase.kind === "failed" ? (
          <ErrorMessage error={phase.message} action="Try again, or choose another file or backend." />
        ) : null}
        {phase.kind === "done" ? <ResultView phase={phase} /> : null}
      </section>
    </div>
  );
}

/** The timing behind the recommendation, and what it makes of this song. */
function Measurement({
  choice,
  song,
  durationSeconds,
  backend,
}: {
  choice: ClientChoice | null;
  song: PendingSong | null;
  durationSeconds: number | null;
  backend: ReturnType<typeof useBackendChoice>;
}) {
  const { measuring, measurement, estimate } = backend;
  const timings = measurement?.timings ?? [];
  return (
    <div data-testid="backend-measurement">
      {measuring.kind === "measuring" ? (
        <p role="status">
          Timing {labelOf(measuring.backend)} on a few seconds of audio…
          {measuring.download ? ` ${measuring.download}` : ""}
        </p>
      ) : null}
      {measuring.kind === "failed" ? (
        <ErrorMessage
          error={`${labelOf(measuring.backend)} could not be timed: ${measuring.message}`}
          action="Choose a backend yourself, or reload to try again."
        />
      ) : null}
      {estimate !== null && song && choice !== "server" ? (
        <p data-testid="generate-estimate">
          Estimated time for this song ({formatClock(durationSeconds ?? 0)}):{" "}
          <strong>{formatEstimate(estimate)}</strong> on {choice === "webgpu" ? "the GPU" : "the CPU"}, from a
          measurement on this device.
        </p>
      ) : null}
      {timings.length > 0 ? (
        <p className="muted" data-testid="backend-timings">
          Measured here:{" "}
          {timings
            .map(
              (t) =>
                `${t.backend === "webgpu" ? "WebGPU" : "WebAssembly"} ${t.secondsPerAudioSecond.toFixed(3)} s per second of audio (warm-up ${t.warmUpSeconds.toFixed(2)} s)`,
            )
            .join("; ")}
          .{" "}
          <button
            type="button"
            className="secondary"
            onClick={backend.measureAgain}
            disabled={measuring.kind === "measuring"}
          >
            Measure again
          </button>
        </p>
      ) : null}
    </div>
  );
}

function formatClock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function formatEstimate(seconds: number): string {
  return seconds < 90
    ? `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`
    : `about ${Math.round(seconds / 60)} min`;
}

/**
 * The song's fingerprint for its chart, or null when the file cannot be fingerprinted (too short,
 * silent) or the run was cancelled (the run itself reports that).
 */
async function fingerprintSong(file: File, signal: AbortSignal): Promise<FileFingerprint | null> {
  const worker = createFingerprintWorker(
    () => new Worker(new URL("../../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }),
  );
  try {
    return await fingerprintAudioFile(file, worker, { signal, onStage: () => {} });
  } catch {
    return null;
  } finally {
    worker.terminate();
  }
}

function labelOf(choice: ClientChoice): string {
  return choice === "webgpu"
    ? "This device's GPU (WebGPU)"
    : choice === "wasm"
      ? "This device's CPU (WebAssembly)"
      : "The server";
}

function RunningView({
  phase,
  onCancel,
}: {
  phase: Extract<Phase, { kind: "running" }>;
  onCancel: () => void;
}) {
  const percent = Math.round((phase.progress?.fraction ?? 0) * 100);
  const label = phase.progress ? STAGE_LABEL[phase.progress.stage] : "Decoding the audio";
  return (
    <div>
      <progress max={100} value={percent} aria-labelledby="gen-progress-text" />
      <p id="gen-progress-text" role="status" aria-live="polite" data-testid="generate-progress">
        {label} — {percent}% · {formatEta(phase.progress?.etaSeconds ?? null)}
      </p>
      {phase.download ? <p className="muted">{phase.download}</p> : null}
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function ResultView({ phase }: { phase: Extract<Phase, { kind: "done" }> }) {
  const { beatmap } = phase.result;
  const perLane = new Array<number>(LANE_NAMES.length).fill(0);
  for (const note of beatmap.HitObjects) perLane[note.Lane] = (perLane[note.Lane] ?? 0) + 1;
  const seconds = Object.values(phase.result.stageSeconds).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <div data-testid="generate-result" role="status">
      <p>
        <strong>Chart ready:</strong> {beatmap.HitObjects.length} notes at about{" "}
        {Math.round(beatmap.Timing?.Bpm ?? 0)} BPM, made on {phase.result.backend} in {seconds.toFixed(1)} s.
        It is saved in your <Link href="/library">library</Link>
        {phase.stemsSaved ? " with its stems" : ""}.
        {phase.stemsNoRoom
          ? " Its stems did not fit in this device's storage: open the song's own file in the player to play along, or free space in the library's storage view and generate it again to keep them."
          : ""}
      </p>
      <GridNotice
        timing={beatmap.Timing}
        endMs={beatmap.Audio?.Duration ?? beatmap.HitObjects.at(-1)?.Time ?? 0}
        fixHref={`/edit/local/${phase.chart.id}?tools=timing`}
      />
      <ChartPreview beatmap={beatmap} envelope={phase.envelope} durationMs={beatmap.Audio?.Duration ?? 1} />
      <ul className="lane-counts">
        {LANE_NAMES.map((name, lane) => (
          <li key={name}>
            {LANE_LABELS[lane as keyof typeof LANE_LABELS]}: {perLane[lane]}
          </li>
        ))}
      </ul>
      {phase.result.warnings.length > 0 ? (
        <ul className="muted">
          {phase.result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        <Link className="button" href={`/play/${phase.chart.id}`}>
          Practise it
        </Link>
      </div>
      <ChartDownloads beatmap={beatmap} title={phase.chart.title} />
      <ShareChart phase={phase} />
    </div>
  );
}

/**
 * Sends the chart and the song's fingerprint (never the audio) so the next drummer gets it at once.
 * Through the outbox: offline, it waits and goes when the network is back, exactly once.
 */
function ShareChart({ phase }: { phase: Extract<Phase, { kind: "done" }> }) {
  const [busy, setBusy] = useState<"fingerprinting" | "sharing" | null>(null);
  const [outcome, setOutcome] = useState<
    { kind: "shared"; created: boolean; songId: string | null } | { kind: "queued" } | null
  >(null);
  const [error, setError] = useState<string | null>(null);
  const share = async () => {
    setError(null);
    let { fingerprint, durationSeconds } = phase.song;
    if (!fingerprint || durationSeconds === undefined) {
      setBusy("fingerprinting");
      const worker = createFingerprintWorker(
        () => new Worker(new URL("../../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }),
      );
      try {
        const fp = await fingerprintAudioFile(phase.song.file, worker, {
          signal: new AbortController().signal,
          onStage: () => {},
        });
        fingerprint = fp.fingerprint;
        durationSeconds = fp.durationSeconds;
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        setBusy(null);
        return;
      } finally {
        worker.terminate();
      }
    }
    setBusy("sharing");
    try {
      const sent = await queueAndSend({
        id: `gen-${phase.chart.contentHash.slice(0, 40)}`,
        kind: "maps.submitGenerated",
        payload: { fingerprint, duration: durationSeconds, chart: phase.result.beatmap },
      });
      if (sent.sent) {
        const result = sent.result as { created: boolean; song: { id: string } } | undefined;
        setOutcome({ kind: "shared", created: result?.created ?? true, songId: result?.song.id ?? null });
      } else if (sent.error) {
        setError(sent.error);
      } else {
        setOutcome({ kind: "queued" });
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  if (outcome?.kind === "shared") {
    return (
      <p data-testid="shared">
        {outcome.created ? "Shared — thank you." : "This exact chart was already shared."} Drummers who drop
        this song now get it at once, and the community can fix and verify it.{" "}
        {outcome.songId ? <Link href={`/songs/${outcome.songId}`}>Open the song</Link> : null}
      </p>
    );
  }
  if (outcome?.kind === "queued") {
    return (
      <p data-testid="shared">
        You are offline: the chart will be shared when you are back online (see the library&rsquo;s
        &ldquo;Waiting to be sent&rdquo;).
      </p>
    );
  }
  return (
    <div>
      <button type="button" onClick={share} disabled={busy !== null}>
        {busy === "fingerprinting"
          ? "Fingerprinting…"
          : busy === "sharing"
            ? "Sharing…"
            : "Share this chart with BeatSight"}
      </button>{" "}
      <span className="muted">Sends the chart and the song&rsquo;s fingerprint, never the audio.</span>
      <ErrorMessage error={error} action="Try again." />
    </div>
  );
}
