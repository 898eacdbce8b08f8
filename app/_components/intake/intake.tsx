"use client";
// The home page's intake: drop or pick a song → decode + fingerprint on this device → look in the
// device's own library (lib/store/local-songs.ts), then ask the server → "your chart" beside
// "known song: open its map" or "new song: register it, generation comes next". Offline (or with
// the server out of reach) the drop still ends in "practise your chart" or "generate on this
// device"; sharing waits in the outbox. Only the fingerprint and duration leave the device.
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type DragEvent, type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { createFingerprintWorker, type FingerprintWorker } from "@/lib/fingerprint/worker-client.ts";
import { browserModelStoreDeps, bytesToDownload } from "@/lib/inference/model-store.ts";
import { loadPipelineModels } from "@/lib/pipeline/manifest-adapter.ts";
import { pipelineModelFiles } from "@/lib/pipeline/model-spec.ts";
import { localDb } from "@/lib/store/db.ts";
import { findLocalCharts, type LocalSongMatches } from "@/lib/store/local-songs.ts";
import type { AppRouter } from "@/server/trpc/root.ts";
import { ErrorMessage } from "../error-message.tsx";
import { setPendingSong } from "../generate/pending-file.ts";
import { usePractiseServerMap } from "../practise-server-map.ts";
import { StatusLabel } from "../status-label.tsx";
import { useTRPC } from "../trpc.tsx";
import { fingerprintAudioFile, type IntakeStage, isIntakeError, MAX_FILE_BYTES } from "./fingerprint-file.ts";
import styles from "./intake.module.css";
import { hasLocalCharts, LocalCharts } from "./local-charts.tsx";

type Outputs = inferRouterOutputs<AppRouter>["songs"];
type Match = NonNullable<Outputs["identify"]["match"]>;
type Registered = Outputs["register"];

interface Dropped {
  fileName: string;
  fingerprint: string;
  durationSeconds: number;
  /** The drummer's own charts of the song on this device. */
  local: LocalSongMatches;
}

type Phase =
  | { kind: "idle" }
  | { kind: "working"; fileName: string; stage: IntakeStage }
  | ({ kind: "known"; match: Match } & Dropped)
  | ({ kind: "new" } & Dropped)
  | ({ kind: "registered"; result: Registered } & Dropped)
  /** The server could not be asked (offline, or out of reach): the device answers alone. */
  | ({ kind: "offline"; reason: string } & Dropped)
  | { kind: "manual"; fileName: string; reason: string }
  | { kind: "manual-saved"; title: string; artist: string }
  | { kind: "refused"; message: string };

const STAGES: { stage: IntakeStage; label: string }[] = [
  { stage: "reading", label: "Reading the file" },
  { stage: "decoding", label: "Decoding the audio" },
  { stage: "resampling", label: "Preparing the audio for fingerprinting" },
  { stage: "fingerprinting", label: "Computing the fingerprint" },
  { stage: "looking-up", label: "Looking the song up" },
];

function stageText(stage: IntakeStage): { step: number; text: string } {
  const index = STAGES.findIndex((s) => s.stage === stage);
  return { step: index + 1, text: `Step ${index + 1} of ${STAGES.length}: ${STAGES[index]!.label}…` };
}

const baseName = (name: string) => name.replace(/\.[^.]+$/, "").slice(0, 200);
const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";
const NO_LOCAL: LocalSongMatches = { charts: [], mapDrafts: [] };

/** The device's own charts of the song; a library that cannot be read finds none (and says so in the log). */
async function lookOnDevice(fp: { fingerprint: string; durationSeconds: number }): Promise<LocalSongMatches> {
  try {
    performance.mark("intake:local-lookup");
    const found = await findLocalCharts(localDb(), fp);
    performance.measure("intake:local-lookup", "intake:local-lookup");
    return found;
  } catch (error) {
    console.error("The device's library could not be searched for the dropped song", error);
    return NO_LOCAL;
  }
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function Intake() {
  const trpc = useTRPC();
  const identify = useMutation(trpc.songs.identify.mutationOptions());
  const register = useMutation(trpc.songs.register.mutationOptions());
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [dragging, setDragging] = useState(false);
  const workerRef = useRef<FingerprintWorker | null>(null);
  const jobRef = useRef<AbortController | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // The dropped file, handed to the generate page in memory (never uploaded).
  const fileRef = useRef<File | null>(null);
  const router = useRouter();
  // The drummer asked for the chart: the generate page starts it at once (one click from the drop).
  const generate = (song: { songId?: string; fingerprint?: string; durationSeconds?: number }) => {
    if (!fileRef.current) return;
    void setPendingSong({ file: fileRef.current, ...song, autostart: true }).then(() =>
      router.push("/generate"),
    );
  };
  const resultRef = useRef<HTMLDivElement>(null);
  const inputId = useId();
  const hintId = useId();

  const fingerprinter = useCallback(
    () =>
      (workerRef.current ??= createFingerprintWorker(
        () => new Worker(new URL("../../../lib/fingerprint/worker.ts", import.meta.url), { type: "module" }),
      )),
    [],
  );

  useEffect(() => {
    // Start the worker and compile its engine while the page is idle, not after the drop.
    const warm = () => fingerprinter().warmUp();
    const idle =
      typeof requestIdleCallback === "function" ? requestIdleCallback(warm) : setTimeout(warm, 200);
    return () => {
      if (typeof cancelIdleCallback === "function") cancelIdleCallback(idle as number);
      else clearTimeout(idle);
      jobRef.current?.abort();
      workerRef.current?.terminate();
    };
  }, [fingerprinter]);

  // Move focus to each new outcome so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (phase.kind !== "idle" && phase.kind !== "working") resultRef.current?.focus();
  }, [phase.kind]);

  const handleFile = useCallback(
    async (file: File) => {
      jobRef.current?.abort();
      const job = new AbortController();
      jobRef.current = job;
      fileRef.current = file;
      identify.reset();
      register.reset();
      const onStage = (stage: IntakeStage) => {
        // User Timing marks: the Performance panel and bench/intake-browser.bench.ts read the stages from them.
        performance.mark(`intake:${stage}`);
        if (!job.signal.aborted) setPhase({ kind: "working", fileName: file.name, stage });
      };
      try {
        const fp = await fingerprintAudioFile(file, fingerprinter(), { signal: job.signal, onStage });
        onStage("looking-up");
        // The device's library first: it answers offline too, and in a few milliseconds.
        const dropped: Dropped = { fileName: file.name, ...fp, local: await lookOnDevice(fp) };
        if (job.signal.aborted) return;
        if (typeof navigator !== "undefined" && navigator.onLine === false) {
          setPhase({ kind: "offline", ...dropped, reason: "You are offline." });
          return;
        }
        let result: Awaited<ReturnType<typeof identify.mutateAsync>>;
        try {
          result = await identify.mutateAsync({ fingerprint: fp.fingerprint, duration: fp.durationSeconds });
        } catch (error) {
          if (job.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          setPhase({ kind: "offline", ...dropped, reason: `BeatSight could not be reached (${message}).` });
          return;
        }
        if (job.signal.aborted) return;
        setPhase(
          result.match ? { kind: "known", ...dropped, match: result.match } : { kind: "new", ...dropped },
        );
      } catch (error) {
        if (job.signal.aborted || isAbort(error)) return;
        if (isIntakeError(error) && error.code === "unusable") {
          setPhase({ kind: "manual", fileName: file.name, reason: error.message });
        } else if (isIntakeError(error)) {
          setPhase({ kind: "refused", message: error.message });
        } else {
          const message = error instanceof Error ? error.message : String(error);
          setPhase({ kind: "refused", message: `The song could not be looked up: ${message}` });
        }
      }
    },
    [identify, register, fingerprinter],
  );

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void handleFile(file);
  };

  const reset = () => {
    jobRef.current?.abort();
    identify.reset();
    register.reset();
    setPhase({ kind: "idle" });
    if (inputRef.current) inputRef.current.value = "";
    inputRef.current?.focus();
  };

  const onRegister = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (phase.kind !== "new") return;
    const form = new FormData(event.currentTarget);
    const result = await register
      .mutateAsync({
        fingerprint: phase.fingerprint,
        duration: phase.durationSeconds,
        title: String(form.get("title") ?? ""),
        artist: String(form.get("artist") ?? ""),
      })
      .catch(() => null); // the error is shown from register.error
    if (result) setPhase({ ...phase, kind: "registered", result });
  };

  const onManual = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPhase({
      kind: "manual-saved",
      title: String(form.get("title") ?? "").trim(),
      artist: String(form.get("artist") ?? "").trim(),
    });
  };

  const working = phase.kind === "working" ? stageText(phase.stage) : null;

  return (
    <section className={`card ${styles.intake}`} aria-labelledby="intake-title">
      <h2 id="intake-title">Add a song</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for pointer users; keyboard and screen-reader users get the file input inside it */}
      <div
        className={styles.dropzone}
        data-dragging={dragging || undefined}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className={styles.dropText}>Drop an audio file here</p>
        <p className={styles.or}>or</p>
        <input
          ref={inputRef}
          id={inputId}
          className={styles.fileInput}
          type="file"
          accept="audio/*,.mp3,.m4a,.aac,.ogg,.oga,.opus,.flac,.wav"
          aria-describedby={hintId}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void handleFile(file);
          }}
        />
        <label htmlFor={inputId} className={styles.pick}>
          Choose a file
        </label>
        <p id={hintId} className={styles.hint}>
          mp3, m4a/aac, ogg/opus, flac or wav, up to {Math.round(MAX_FILE_BYTES / (1024 * 1024))} MB. Your
          audio is decoded and fingerprinted on this device:{" "}
          <strong>only the fingerprint and the duration are uploaded</strong> to look the song up.
        </p>
      </div>

      {/* One polite live region for progress; outcomes below get focus (and alerts are assertive). */}
      <div className={styles.progress} aria-live="polite" role="status" data-testid="intake-status">
        {working ? (
          <>
            <progress max={STAGES.length} value={working.step} aria-label="Identifying the song" />
            <span>
              {working.text}{" "}
              <span className={styles.file}>({phase.kind === "working" ? phase.fileName : ""})</span>
            </span>
          </>
        ) : null}
      </div>

      <div ref={resultRef} tabIndex={-1} className={styles.result} data-testid="intake-result">
        {phase.kind === "known" || phase.kind === "new" || phase.kind === "offline" ? (
          <LocalCharts local={phase.local} file={fileRef.current} />
        ) : null}

        {phase.kind === "known" ? (
          <KnownSong
            match={phase.match}
            fileName={phase.fileName}
            file={fileRef.current}
            hasOwnChart={hasLocalCharts(phase.local)}
            onGenerate={() =>
              generate({
                songId: phase.match.song.id,
                fingerprint: phase.fingerprint,
                durationSeconds: phase.durationSeconds,
              })
            }
          />
        ) : null}

        {phase.kind === "offline" ? (
          <OfflineDrop
            phase={phase}
            onGenerate={() =>
              generate({ fingerprint: phase.fingerprint, durationSeconds: phase.durationSeconds })
            }
          />
        ) : null}

        {phase.kind === "new" ? (
          <div>
            <h3>New song</h3>
            <p>
              BeatSight does not know “{phase.fileName}” yet. Register it so the next drummer who drops it
              gets its chart, then generate the chart on this device.
              {hasLocalCharts(phase.local) ? " Your own chart of it (above) has not been shared yet." : ""}
            </p>
            <form className={styles.form} onSubmit={onRegister}>
              <label>
                Title <span className={styles.optional}>(optional)</span>
                <input
                  name="title"
                  maxLength={200}
                  defaultValue={baseName(phase.fileName)}
                  autoComplete="off"
                />
              </label>
              <label>
                Artist <span className={styles.optional}>(optional)</span>
                <input name="artist" maxLength={200} autoComplete="off" />
              </label>
              <button type="submit" disabled={register.isPending}>
                {register.isPending ? "Registering…" : "Register this song"}
              </button>
            </form>
            <ErrorMessage error={register.error} action="Please try again." />
          </div>
        ) : null}

        {phase.kind === "registered" ? (
          <div>
            <h3>{phase.result.created ? "Song registered" : "Already registered"}</h3>
            <p>
              {phase.result.created
                ? "Thanks — this song is now known by its fingerprint."
                : "Someone registered this song a moment ago; you are both looking at the same song."}{" "}
              Now generate its drum chart on this device.
            </p>
            <p>
              <button
                type="button"
                onClick={() =>
                  generate({
                    songId: phase.result.song.id,
                    fingerprint: phase.fingerprint,
                    durationSeconds: phase.durationSeconds,
                  })
                }
              >
                Generate the chart
              </button>{" "}
              <Link href={`/songs/${phase.result.song.id}`}>Open the song</Link>
            </p>
          </div>
        ) : null}

        {phase.kind === "manual" ? (
          <div>
            <h3>We could not fingerprint this file</h3>
            <p role="alert">{phase.reason}</p>
            <p>
              Without a fingerprint BeatSight cannot tell whether it already knows the song. Enter its title
              and artist to continue with a chart of your own.
            </p>
            <form className={styles.form} onSubmit={onManual}>
              <label>
                Title
                <input name="title" required maxLength={200} defaultValue={baseName(phase.fileName)} />
              </label>
              <label>
                Artist
                <input name="artist" maxLength={200} />
              </label>
              <button type="submit">Continue</button>
            </form>
          </div>
        ) : null}

        {phase.kind === "manual-saved" ? (
          <div>
            <h3>Noted</h3>
            <p>
              “{phase.title}”{phase.artist ? ` by ${phase.artist}` : ""} stays on this device.
            </p>
            <p>
              <button type="button" onClick={() => generate({})}>
                Generate the chart
              </button>
            </p>
          </div>
        ) : null}

        {phase.kind === "refused" ? (
          <p role="alert" className="error">
            {phase.message}
          </p>
        ) : null}

        {phase.kind !== "idle" && phase.kind !== "working" ? (
          <button type="button" className={styles.secondary} onClick={reset}>
            Choose another file
          </button>
        ) : null}
      </div>
    </section>
  );
}

/** The server could not be asked: the device's own charts (above), or a chart made here. */
function OfflineDrop({
  phase,
  onGenerate,
}: {
  phase: Extract<Phase, { kind: "offline" }>;
  onGenerate: () => void;
}) {
  const [modelsHere, setModelsHere] = useState<boolean | null>(null);
  useEffect(() => {
    // The manifest comes from the service worker's cache offline; the models from their own cache.
    loadPipelineModels(fetch)
      .then(({ models }) => bytesToDownload(pipelineModelFiles(models), browserModelStoreDeps()))
      .then((missing) => setModelsHere(missing === 0))
      .catch(() => setModelsHere(false));
  }, []);
  const own = hasLocalCharts(phase.local);
  return (
    <div data-testid="offline-drop">
      {own ? null : <h3>Not in your library yet</h3>}
      <p>
        {phase.reason}{" "}
        {own ? "Your chart is ready to practise." : `“${phase.fileName}” is not in your library.`}{" "}
        {modelsHere === false
          ? "Generating a chart here needs the models, which download once when you are online (or use “Make generation available offline” in the library)."
          : "You can generate a chart on this device now; sharing it with BeatSight waits until you are back online."}
      </p>
      <p>
        <button type="button" className={own ? styles.secondary : undefined} onClick={onGenerate}>
          Generate the chart on this device
        </button>
      </p>
    </div>
  );
}

function KnownSong({
  match,
  fileName,
  file,
  hasOwnChart,
  onGenerate,
}: {
  match: Match;
  fileName: string;
  file: File | null;
  hasOwnChart: boolean;
  onGenerate: () => void;
}) {
  const { song, maps } = match;
  // Canonical verified first, then the others (the server orders them).
  const first = maps[0];
  const { practise, busy, error } = usePractiseServerMap();
  const name = song.title ? `“${song.title}”${song.artist ? ` by ${song.artist}` : ""}` : "this song";
  return (
    <div>
      <h3>Known song</h3>
      <p>
        “{fileName}” is {name} ({formatDuration(song.durationMs)}), recognised with{" "}
        {Math.round(match.confidence * 100)} % confidence.
        {Math.abs(match.offsetSeconds) >= 0.1 ? (
          <> {offsetSentence(match.offsetSeconds)} The chart is moved to fit it when you practise.</>
        ) : null}
      </p>
      {first ? (
        <>
          <p>
            <button
              type="button"
              onClick={() =>
                void practise(first.id, file ? { file, offsetSeconds: match.offsetSeconds } : undefined)
              }
              disabled={busy}
            >
              {busy ? "Opening…" : "Practise it"}
            </button>{" "}
            <StatusLabel state={first.state} canonical={first.isCanonical} />{" "}
            <span className={styles.optional}>
              {first.isCanonical ? "the song's verified chart" : first.name}
            </span>{" "}
            <Link href={`/songs/${song.id}#map-${first.id}`}>Open its page</Link>
          </p>
          <ErrorMessage error={error} action="Try again." />
          {maps.length > 1 ? <p>{maps.length - 1} other chart(s) on the song’s page.</p> : null}
        </>
      ) : hasOwnChart ? (
        <p>
          No chart on BeatSight yet: share yours from the library so the next drummer gets it.{" "}
          <Link href={`/songs/${song.id}`}>Open the song</Link>
        </p>
      ) : (
        <p>
          Nobody has a chart for it yet.{" "}
          <button type="button" onClick={onGenerate}>
            Generate the chart
          </button>{" "}
          <Link href={`/songs/${song.id}`}>Open the song</Link>
        </p>
      )}
    </div>
  );
}

/** SongMatch.offsetSeconds in words: positive, the file has more audio before the song starts. */
function offsetSentence(offsetSeconds: number): string {
  const amount = `${Math.abs(offsetSeconds).toFixed(1)} s`;
  return offsetSeconds > 0
    ? `Your file has ${amount} more before the song starts than the charted recording.`
    : `Your file starts ${amount} into the charted recording.`;
}
