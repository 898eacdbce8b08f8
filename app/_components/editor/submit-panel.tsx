"use client";
// Submitting an edit of a server map: proposals.create with the whole edited chart (the server
// diffs it against the base version and rebases it when the map moved on and the edits do not
// overlap). The client mutation id is kept in the draft first, so a retry after a lost answer
// lands once. On CONFLICT the conflicting notes are listed and the user keeps theirs or takes the
// newest version's, per note; offline, the fix waits in the outbox.
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useState } from "react";
import type { DiffConflict } from "@/lib/beatmap/diff.ts";
import type { Beatmap } from "@/lib/beatmap/index.ts";
import { type ConflictChoice, describeConflict, rebaseEdit, resolveConflicts } from "@/lib/editor/resolve.ts";
import { localDb } from "@/lib/store/db.ts";
import { deleteDraft, loadDraft, setDraftSubmission } from "@/lib/store/drafts.ts";
import type { AppRouter } from "@/server/trpc/root.ts";
import { queueAndSend } from "../pwa/outbox-sync.ts";
import { useTRPCClient } from "../trpc.tsx";
import styles from "./editor.module.css";
import type { EditorApi } from "./editor.tsx";

export interface LatestVersion {
  id: string;
  number: number;
  chart: Beatmap;
}

type State =
  | { kind: "idle" }
  | { kind: "sending" }
  | { kind: "done"; proposalId: string; rebased: boolean; queued: boolean }
  | {
      kind: "conflict";
      latest: LatestVersion;
      mine: Beatmap;
      conflicts: DiffConflict[];
      choices: ConflictChoice[];
    }
  | { kind: "error"; message: string; signIn?: boolean };

export function SubmitPanel(props: {
  api: EditorApi;
  mapId: string;
  draftKey: string;
  base: { id: string; number: number; chart: Beatmap };
  /** The conflicts were resolved: continue editing `chart` on top of `latest`. */
  onRebased: (chart: Beatmap, latest: LatestVersion) => void;
  /** Kept by the page, so it survives the editor reopening on the newest version. */
  message: string;
  onMessage: (message: string) => void;
}) {
  const { api, mapId, draftKey, base, onRebased, message, onMessage: setMessage } = props;
  const client = useTRPCClient();
  const [state, setState] = useState<State>({ kind: "idle" });

  const loadLatest = async (): Promise<LatestVersion | null> => {
    const map = await client.maps.get.query({ mapId });
    const newest = [...map.versions].sort((a, b) => b.number - a.number)[0];
    if (!newest) return null;
    const v = await client.maps.version.query({ versionId: newest.id });
    return { id: v.id, number: v.number, chart: v.chart };
  };

  const submit = async () => {
    setState({ kind: "sending" });
    const chart = api.chart();
    const db = localDb();
    const id = (await loadDraft(db, draftKey))?.submissionId ?? crypto.randomUUID();
    await setDraftSubmission(db, draftKey, id);
    const input = {
      mapId,
      baseVersionId: base.id,
      chart,
      message,
      clientMutationId: id,
      confirmedNoteTimes: api.confirmedTimes(),
    };
    try {
      const r = await client.proposals.create.mutate(input);
      await deleteDraft(db, draftKey);
      setState({ kind: "done", proposalId: r.proposalId, rebased: r.rebased, queued: false });
      api.announce(
        r.rebased
          ? "Your fix was submitted for review (moved onto the newest version automatically)."
          : "Your fix was submitted for review.",
      );
    } catch (e) {
      const err = e instanceof TRPCClientError ? (e as TRPCClientError<AppRouter>) : null;
      const code = err?.data?.code;
      if (code === "CONFLICT") {
        await setDraftSubmission(db, draftKey, undefined);
        const latest = await loadLatest().catch(() => null);
        if (!latest) {
          setState({ kind: "error", message: err?.message ?? "The map changed; reload the editor." });
          return;
        }
        const outcome = rebaseEdit(base.chart, chart, latest.chart);
        if (outcome.ok) {
          // The server saw a conflict the device no longer does (another fix landed since): rebase and retry.
          onRebased(outcome.chart, latest);
          setState({
            kind: "error",
            message: "The map changed again; your edit now sits on the newest version. Submit again.",
          });
          return;
        }
        setState({
          kind: "conflict",
          latest,
          mine: chart,
          conflicts: outcome.conflicts,
          choices: outcome.conflicts.map(() => "mine"),
        });
        api.announce(
          `${outcome.conflicts.length} of your changes overlap with a newer version. Choose for each below.`,
        );
        return;
      }
      if (code === "UNAUTHORIZED") {
        setState({
          kind: "error",
          message: "Sign in to submit your fix; your edit stays saved on this device.",
          signIn: true,
        });
        return;
      }
      if (err && !err.data) {
        // No answer from the server: the outbox sends it (same client mutation id) when it can.
        const queued = await queueAndSend({ id, kind: "proposals.create", payload: input });
        if (queued.sent) {
          await deleteDraft(db, draftKey);
          setState({ kind: "done", proposalId: "", rebased: false, queued: false });
        } else {
          setState({ kind: "done", proposalId: "", rebased: false, queued: true });
        }
        return;
      }
      setState({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    }
  };

  const applyChoices = () => {
    if (state.kind !== "conflict") return;
    try {
      const resolved = resolveConflicts(base.chart, state.mine, state.latest.chart, state.choices);
      onRebased(resolved, state.latest);
    } catch (e) {
      setState({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <section className={styles.group} aria-labelledby="submit-title">
      <h2 id="submit-title" className={styles.subhead}>
        Submit your fix
      </h2>
      <label>
        What did you fix? (optional)
        <textarea
          className={styles.message}
          value={message}
          maxLength={2000}
          onChange={(e) => setMessage(e.target.value)}
        />
      </label>
      <div className={styles.row}>
        <button type="button" onClick={() => void submit()} disabled={state.kind === "sending"}>
          {state.kind === "sending" ? "Submitting…" : "Submit edit for review"}
        </button>
        <Link href={`/maps/${mapId}`}>Back to the map</Link>
      </div>
      <div role="status" aria-live="polite" data-testid="submit-status">
        {state.kind === "done" ? (
          state.queued ? (
            <p>You are offline: your fix waits on this device and is sent when the connection returns.</p>
          ) : (
            <p>
              Submitted for review{state.rebased ? " (moved onto the newest version automatically)" : ""}.{" "}
              <Link href={`/maps/${mapId}`}>See the map</Link>
            </p>
          )
        ) : null}
        {state.kind === "error" ? (
          <p className="error">
            {state.message}{" "}
            {state.signIn ? (
              <Link href={`/sign-in?next=${encodeURIComponent(`/edit/${mapId}`)}`}>Sign in</Link>
            ) : null}
          </p>
        ) : null}
      </div>
      {state.kind === "conflict" ? (
        <div className={styles.conflict} data-testid="conflicts">
          <h3 className={styles.subhead}>
            Version {state.latest.number} changed the same notes as you ({state.conflicts.length})
          </h3>
          <p className={styles.hint}>
            Everything else you changed fits the newest version as it is. For each note below, keep yours or
            take theirs; then check the result and submit again.
          </p>
          <div className={styles.row}>
            <button
              type="button"
              onClick={() => setState({ ...state, choices: state.choices.map(() => "mine") })}
            >
              Keep all mine
            </button>
            <button
              type="button"
              onClick={() => setState({ ...state, choices: state.choices.map(() => "theirs") })}
            >
              Take all theirs
            </button>
          </div>
          <ol>
            {state.conflicts.map((c, i) => {
              const d = describeConflict(c);
              const name = `conflict-${i}`;
              return (
                <li key={`${name}-${c.timeMs ?? c.section}`}>
                  <fieldset className={styles.tools}>
                    <legend>
                      {d.where}: {d.mine}; {d.theirs}.
                    </legend>
                    {c.timeMs !== undefined ? (
                      <button
                        type="button"
                        onClick={() => api.seek(c.timeMs as number)}
                        aria-label={`Show ${d.where} on the timeline`}
                      >
                        Show
                      </button>
                    ) : null}
                    {(["mine", "theirs"] as const).map((choice) => (
                      <label key={choice}>
                        <input
                          type="radio"
                          name={name}
                          checked={state.choices[i] === choice}
                          onChange={() =>
                            setState({
                              ...state,
                              choices: state.choices.map((x, j) => (j === i ? choice : x)),
                            })
                          }
                        />{" "}
                        {choice === "mine" ? "Keep mine" : "Take theirs"}
                      </label>
                    ))}
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <button type="button" onClick={applyChoices}>
            Apply my choices
          </button>
        </div>
      ) : null}
    </section>
  );
}
