"use client";
// Server generation from the generate page: the user's allowance and the upload limit first, then
// the upload with progress (XMLHttpRequest: fetch cannot report upload progress), then the job.
// Where the server offers it (object storage), the file goes straight to the bucket through a
// presigned URL and the server is then told to take it; otherwise it is the body of one POST.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { formatBytes } from "../generate/format.ts";
import { useTRPC } from "../trpc.tsx";
import type { JobStatusView } from "./job-status-text.ts";
import { ServerJobView } from "./server-job-view.tsx";

type UploadAnswer =
  | { outcome: "new_job" | "joined"; songId: string; jobId: string; status: JobStatusView | null }
  | { outcome: "existing_map"; songId: string; mapId: string };

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; sent: number; total: number }
  | { kind: "checking" }
  | { kind: "answered"; answer: UploadAnswer }
  | { kind: "failed"; message: string };

function upload(file: File, onProgress: (sent: number, total: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/jobs/upload");
    xhr.setRequestHeader("x-filename", encodeURIComponent(file.name));
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
    xhr.onload = () => {
      // Refusals answer { error: { code, message } } (docs/SERVER_JOBS.md).
      let body: { error?: { code?: string; message?: string } } & Partial<UploadAnswer> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadAnswer);
      else reject(new Error(body.error?.message ?? `The server answered ${xhr.status}; please try again.`));
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted; check the connection and try again."));
    xhr.send(file);
  });
}

/** POSTs JSON to one of the upload routes; a refusal's message becomes the error. */
async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  let parsed: { error?: { message?: string } } = {};
  try {
    parsed = await response.json();
  } catch {}
  if (!response.ok)
    throw new Error(parsed.error?.message ?? `The server answered ${response.status}; please try again.`);
  return parsed as T;
}

/** The bucket could not be reached at all (its CORS rule or address is wrong): nothing was sent. */
class StorageUnreachable extends Error {}

function putToStorage(
  url: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let sent = 0;
    xhr.open("PUT", url);
    xhr.upload.onprogress = (e) => {
      sent = e.loaded;
      onProgress(e.loaded, e.total || file.size);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(`The storage refused the upload (HTTP ${xhr.status}); please try again.`));
    };
    xhr.onerror = () =>
      reject(
        sent === 0
          ? new StorageUnreachable("The upload storage could not be reached.")
          : new Error("The upload was interrupted; check the connection and try again."),
      );
    xhr.send(file);
  });
}

async function uploadDirect(
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadAnswer> {
  const target = await postJson<{ key: string; url: string }>("/api/jobs/upload-url", {
    filename: file.name,
    bytes: file.size,
  });
  try {
    await putToStorage(target.url, file, onProgress);
  } catch (error) {
    if (!(error instanceof StorageUnreachable)) throw error;
    // A bucket this browser cannot reach (CORS, address) is the operator's to fix; the upload
    // still works through the server.
    console.warn("Direct upload to storage failed before sending anything; uploading through the server.");
    return upload(file, onProgress);
  }
  return postJson<UploadAnswer>("/api/jobs/upload-complete", { key: target.key, filename: file.name });
}

export function ServerUpload({ file, disabled }: { file: File | null; disabled?: boolean }) {
  const trpc = useTRPC();
  const offer = useQuery(trpc.jobs.offer.queryOptions());
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });

  if (offer.error) return <ErrorMessage error={offer.error} action="Reload the page to try again." />;
  if (!offer.data) return <p role="status">Checking the server…</p>;
  if (!offer.data.enabled) return <p>This installation does not offer server processing.</p>;
  if (!offer.data.signedIn) {
    return (
      <p>
        Server generation needs an account so the server can tell you when your chart is ready: please sign in
        first.
      </p>
    );
  }
  const { maxUploadBytes, allowance, directUpload } = offer.data;
  const tooLarge = file !== null && file.size > maxUploadBytes;

  const start = async () => {
    if (!file) return;
    setPhase({ kind: "uploading", sent: 0, total: file.size });
    try {
      const send = directUpload ? uploadDirect : upload;
      const answer = await send(file, (sent, total) =>
        setPhase(sent >= total ? { kind: "checking" } : { kind: "uploading", sent, total }),
      );
      setPhase({ kind: "answered", answer });
    } catch (error) {
      setPhase({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  };

  if (phase.kind === "answered") {
    const { answer } = phase;
    if (answer.outcome === "existing_map") {
      return (
        <p role="status" data-testid="job-status">
          This song already has a chart, so nothing needs to be generated.{" "}
          <Link href={`/songs/${answer.songId}`}>Open the song</Link>
        </p>
      );
    }
    return (
      <div>
        {answer.outcome === "joined" ? (
          <p className="muted">
            Someone already asked the server for this song; you will get the same chart when it is done.
          </p>
        ) : null}
        <ServerJobView jobId={answer.jobId} initial={answer.status} />
        <p className="muted">
          You can leave this page: you will be notified, and the job stays in{" "}
          <Link href={`/jobs/${answer.jobId}`}>its own page</Link>.
        </p>
      </div>
    );
  }

  return (
    <div>
      <p className="muted" data-testid="server-allowance">
        {allowance?.message} Files up to {formatBytes(maxUploadBytes)}; the audio is deleted within a day.
      </p>
      {phase.kind === "uploading" ? (
        <>
          <progress max={phase.total} value={phase.sent} aria-labelledby="upload-progress" />
          <p id="upload-progress" role="status" aria-live="polite" data-testid="upload-progress">
            Uploading — {formatBytes(phase.sent)} of {formatBytes(phase.total)}
          </p>
        </>
      ) : phase.kind === "checking" ? (
        <p role="status" aria-live="polite" data-testid="upload-progress">
          Uploaded — checking the audio and looking the song up…
        </p>
      ) : (
        <button
          type="button"
          onClick={start}
          disabled={disabled || !file || tooLarge || allowance?.remaining === 0}
        >
          Send to the server
        </button>
      )}
      {tooLarge ? (
        <ErrorMessage
          error={`This file is ${formatBytes(file.size)}; the server accepts up to ${formatBytes(maxUploadBytes)}.`}
        />
      ) : null}
      {phase.kind === "failed" ? (
        <ErrorMessage error={phase.message} action="Choose another file or try again." />
      ) : null}
    </div>
  );
}
