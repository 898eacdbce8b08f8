"use client";
// The verification queue: proposals and AI charts waiting (well-rated charts first, then oldest
// first), each with its lint report, what it changes, and a decision form that needs a reason.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { describeTimingChange } from "@/lib/beatmap/grid-sections.ts";
import type { Timing } from "@/lib/beatmap/index.ts";
import type { AppRouter } from "@/server/trpc/root.ts";
import { DiffTimeline } from "../_components/diff-timeline.tsx";
import { ErrorMessage } from "../_components/error-message.tsx";
import { StatusLabel } from "../_components/status-label.tsx";
import { useTRPC } from "../_components/trpc.tsx";
import styles from "./verify.module.css";

type QueueItem = inferRouterOutputs<AppRouter>["verify"]["queue"][number];

function age(since: Date): string {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(since).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

export function VerifyQueue() {
  const trpc = useTRPC();
  const queue = useQuery(trpc.verify.queue.queryOptions());
  const [announcement, setAnnouncement] = useState("");
  if (queue.isPending) return <p role="status">Loading the queue…</p>;
  if (queue.error) {
    return (
      <div data-testid="verify-denied">
        <ErrorMessage error={queue.error} />
        <p>
          Verifying unlocks at 500 karma with a verified email: propose fixes to AI drafts to earn it.{" "}
          <Link href="/me">Your account</Link>
        </p>
      </div>
    );
  }
  return (
    <>
      <p role="status" aria-live="polite" className={styles.announcement} data-testid="verify-announcement">
        {announcement}
      </p>
      {queue.data.length === 0 ? (
        <div className="empty-state" role="status">
          <p>No charts are waiting for review.</p>
        </div>
      ) : (
        <ol className={styles.queue} aria-label="Waiting for review, oldest first">
          {queue.data.map((item) => (
            <li key={`${item.kind}-${item.id}`}>
              <QueueCard item={item} onDecided={setAnnouncement} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function QueueCard({ item, onDecided }: { item: QueueItem; onDecided: (message: string) => void }) {
  const [showDiff, setShowDiff] = useState(false);
  const title = item.song.title ?? "Untitled song";
  const headingId = `item-${item.id}`;
  return (
    <article className="card" aria-labelledby={headingId} data-testid="queue-item" data-kind={item.kind}>
      <h2 id={headingId} className={styles.itemTitle}>
        {item.kind === "proposal" ? "Fix to " : "AI chart: "}
        <Link href={`/songs/${item.song.id}#map-${item.map.id}`}>
          {title}
          {item.song.artist ? ` — ${item.song.artist}` : ""}
        </Link>{" "}
        <StatusLabel state={item.map.state} canonical={item.map.isCanonical} />
      </h2>
      <p className="muted">
        {item.map.name} · waiting {age(item.waitingSince)}
        {item.author ? ` · by ${item.author.displayName}` : " · anonymous device"}
        {item.rating.count > 0 ? ` · rated ${item.rating.average}/5 by ${item.rating.count}` : ""}
        {item.surfaced ? " · players rate it highly" : ""}
      </p>
      {item.message ? <blockquote className={styles.message}>{item.message}</blockquote> : null}
      <LintReport lint={item.lint} />
      <p className="muted">
        {item.noteCount} notes
        {item.confirmedNotes > 0 ? ` · ${item.confirmedNotes} confirmed by ear by the fixer` : ""}
        {item.summary
          ? ` · changes: ${item.summary.total.added} added, ${item.summary.total.removed} removed, ${item.summary.total.moved} moved, ${item.summary.total.changed} changed${item.summary.timingChanged ? ", timing" : ""}`
          : ""}
      </p>
      {!item.applies ? (
        <p className="error" role="note">
          This proposal no longer applies to the newest version of the chart; ask the author for changes.
        </p>
      ) : null}
      {item.kind === "proposal" ? (
        <>
          <button
            type="button"
            className="secondary"
            aria-expanded={showDiff}
            onClick={() => setShowDiff((v) => !v)}
          >
            {showDiff ? "Hide the diff" : "Open the diff"}
          </button>
          {showDiff ? <ProposalDiff proposalId={item.id} /> : null}
        </>
      ) : null}
      {item.own ? (
        <p className="muted">You made this; another verifier will decide.</p>
      ) : (
        <DecisionForm item={item} onDecided={onDecided} />
      )}
    </article>
  );
}

function LintReport({ lint }: { lint: QueueItem["lint"] }) {
  if (lint.issues.length === 0) return <p className={styles.lintOk}>Lint: no problems found.</p>;
  return (
    <details className={styles.lint} open={lint.errors > 0}>
      <summary>
        Lint: {lint.errors} {lint.errors === 1 ? "error" : "errors"}, {lint.warnings}{" "}
        {lint.warnings === 1 ? "warning" : "warnings"}
      </summary>
      <ul>
        {lint.issues.map((issue) => (
          <li key={`${issue.code}-${issue.path}`} data-severity={issue.severity}>
            <strong>{issue.severity}</strong> {issue.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

function ProposalDiff({ proposalId }: { proposalId: string }) {
  const trpc = useTRPC();
  const proposal = useQuery(trpc.proposals.get.queryOptions({ proposalId }));
  if (proposal.isPending) return <p role="status">Loading the diff…</p>;
  if (proposal.error) return <ErrorMessage error={proposal.error} action="Close and open the diff again." />;
  const p = proposal.data;
  const durationMs = p.baseChart.Audio?.Duration ?? p.baseChart.HitObjects.at(-1)?.Time ?? 1;
  return (
    <div data-testid="proposal-diff">
      <p className="muted">
        Against version {p.baseVersion.number}, by {p.author.displayName}.
      </p>
      <DiffTimeline diff={p.diff} summary={p.summary} durationMs={durationMs} />
      {p.diff.sections.Timing ? (
        <p data-testid="timing-change">
          Timing changed:{" "}
          {describeTimingChange(
            (p.diff.sections.Timing.before ?? undefined) as Timing | undefined,
            (p.diff.sections.Timing.after ?? undefined) as Timing | undefined,
          )}
          .
        </p>
      ) : null}
    </div>
  );
}

const DECISIONS = [
  { value: "approve", label: "Approve", hint: "publishes it as the song's verified chart" },
  { value: "needs_changes", label: "Needs changes", hint: "sends it back to the author" },
  { value: "reject", label: "Reject", hint: "closes it (the author loses 5 karma)" },
] as const;

function DecisionForm({ item, onDecided }: { item: QueueItem; onDecided: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<(typeof DECISIONS)[number]["value"]>("approve");
  const [reason, setReason] = useState("");
  const decide = useMutation(
    trpc.verify.decide.mutationOptions({
      onSuccess: (result) => {
        const label = DECISIONS.find((d) => d.value === result.decision)?.label ?? result.decision;
        onDecided(
          `${label}: ${item.song.title ?? "the song"}${result.canonical ? " now has this as its verified chart." : "."}`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.verify.queue.queryKey() });
      },
      onError: (error) => {
        // Someone else acted first: the queue is out of date, so reload it beside the message.
        if (error.data?.code === "CONFLICT")
          void queryClient.invalidateQueries({ queryKey: trpc.verify.queue.queryKey() });
      },
    }),
  );
  const reasonId = `reason-${item.id}`;
  const tooShort = reason.trim().length < 3;
  return (
    <form
      className={styles.decision}
      onSubmit={(event) => {
        event.preventDefault();
        if (tooShort) return;
        decide.mutate({
          ...(item.kind === "proposal" ? { proposalId: item.id } : { mapVersionId: item.versionId }),
          decision,
          reason,
          expectedCanonicalMapId: item.expectedCanonicalMapId,
        });
      }}
    >
      <fieldset>
        <legend>Decision</legend>
        {DECISIONS.map((d) => (
          <label key={d.value} className={styles.choice}>
            <input
              type="radio"
              name={`decision-${item.id}`}
              value={d.value}
              checked={decision === d.value}
              disabled={d.value === "approve" && !item.applies}
              onChange={() => setDecision(d.value)}
            />{" "}
            {d.label} <span className="muted">— {d.hint}</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor={reasonId}>Reason (required; the author reads it)</label>
      <textarea
        id={reasonId}
        value={reason}
        required
        minLength={3}
        maxLength={2000}
        rows={2}
        onChange={(e) => setReason(e.target.value)}
        aria-describedby={`${reasonId}-hint`}
      />
      <p id={`${reasonId}-hint`} className="muted">
        Say what you checked, or what to change.
      </p>
      <button type="submit" disabled={decide.isPending || tooShort}>
        {decide.isPending ? "Saving…" : "Submit decision"}
      </button>
      <ErrorMessage error={decide.error} />
    </form>
  );
}
