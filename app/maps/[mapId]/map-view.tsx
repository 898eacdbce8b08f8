"use client";
// A map's page: its versions (who, when, source, state), a visual diff between any two versions,
// votes per version, comment markers at times, the rating, and links to edit and practise it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useMemo, useState } from "react";
import { diffCharts, summarizeDiff } from "@/lib/beatmap/diff.ts";
import { describeTimingChange } from "@/lib/beatmap/grid-sections.ts";
import { DiffTimeline } from "../../_components/diff-timeline.tsx";
import { ErrorMessage } from "../../_components/error-message.tsx";
import { GridNotice } from "../../_components/grid-notice.tsx";
import { MapDownloads } from "../../_components/map-downloads.tsx";
import { MapLevels } from "../../_components/map-levels.tsx";
import { MapNotation } from "../../_components/notation/map-notation.tsx";
import { PractiseButton } from "../../_components/practise-button.tsx";
import { StatusLabel } from "../../_components/status-label.tsx";
import { useTRPC } from "../../_components/trpc.tsx";
import styles from "./map.module.css";

const SOURCE_TEXT = { ai: "AI", manual: "hand-made", edit: "fix" } as const;

/** A vote button's count in its name: the name holds the number it shows (screen-reader users and voice control). */
function votesText(n: number): string {
  return `${n} ${n === 1 ? "vote" : "votes"}`;
}

function formatTime(ms: number): string {
  const s = Math.max(0, ms / 1000);
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, "0")}`;
}

export function MapView({ mapId }: { mapId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const map = useQuery(trpc.maps.get.queryOptions({ mapId }));
  const versions = useMemo(
    () => [...(map.data?.versions ?? [])].sort((a, b) => a.number - b.number),
    [map.data],
  );
  const [fromId, setFromId] = useState<string | null>(null);
  const [toId, setToId] = useState<string | null>(null);
  const latest = versions.at(-1);
  const from = fromId ?? versions.at(-2)?.id ?? latest?.id ?? null;
  const to = toId ?? latest?.id ?? null;

  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.maps.get.queryKey({ mapId }) });
  const vote = useMutation(trpc.votes.cast.mutationOptions({ onSuccess: invalidate }));
  // The chosen stars show at once (a controlled radio would otherwise snap back until the answer).
  const [chosenStars, setChosenStars] = useState<number | null>(null);
  const rate = useMutation(
    trpc.ratings.rate.mutationOptions({ onSuccess: invalidate, onError: () => setChosenStars(null) }),
  );

  if (map.isPending) return <p role="status">Loading the map…</p>;
  if (map.error)
    return <ErrorMessage error={map.error} action="Check the address, or go back to the song." />;
  const m = map.data;
  const stars = starsLabel(m.rating.average, m.rating.count);
  const myStars = chosenStars ?? m.rating.mine;

  return (
    <section aria-labelledby="map-title" className={styles.page}>
      <header className={styles.head}>
        <h1 id="map-title">
          {m.song.title ?? "Untitled song"}: {m.name}
        </h1>
        <StatusLabel state={m.state} canonical={m.isCanonical} />
        <p className={styles.muted}>
          {m.song.artist ?? "Unknown artist"} · <Link href={`/songs/${m.song.id}`}>the song</Link> · {stars}
        </p>
        <div className={styles.row}>
          <Link className="button" href={`/edit/${m.id}`} aria-label={`Edit ${m.name}`}>
            Edit
          </Link>
          <PractiseButton mapId={m.id} label={`Practise ${m.name}`} />
        </div>
        {latest ? <MapLevels songId={m.song.id} versionId={latest.id} mapId={m.id} /> : null}
        {latest ? <NewestGrid mapId={m.id} versionId={latest.id} durationMs={m.song.durationMs} /> : null}
      </header>

      {latest ? (
        <MapNotation mapId={m.id} songId={m.song.id} versionId={latest.id} title={m.song.title ?? m.name} />
      ) : null}
      {latest ? (
        <MapDownloads versionId={latest.id} title={`${m.song.title ?? "Untitled song"} - ${m.name}`} />
      ) : null}

      <section aria-labelledby="versions-title" className="card">
        <h2 id="versions-title">Versions</h2>
        <ErrorMessage error={vote.error} action="Sign in with a verified email to vote." />
        <div className={styles.scroll}>
          <table className={styles.table} data-testid="versions">
            <caption className="visually-hidden">Versions of this chart, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">Source</th>
                <th scope="col">State</th>
                <th scope="col">Votes</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.id}>
                  <th scope="row">
                    {v.number}{" "}
                    <Link href={`/edit/${m.id}?version=${v.id}`} aria-label={`Edit version ${v.number}`}>
                      edit
                    </Link>
                  </th>
                  <td>{v.author?.displayName ?? (v.source === "ai" ? "the model" : "unknown")}</td>
                  <td>
                    <time dateTime={new Date(v.createdAt).toISOString()}>
                      {new Date(v.createdAt).toLocaleString()}
                    </time>
                  </td>
                  <td>
                    {SOURCE_TEXT[v.source]}
                    {v.diffSummary?.confirmedNotes ? `, ${v.diffSummary.confirmedNotes} notes confirmed` : ""}
                  </td>
                  <td>
                    {v.verified ? "verified" : "not verified"}
                    {v.isLatest ? " · newest" : ""}
                  </td>
                  <td className={styles.votes}>
                    <button
                      type="button"
                      aria-pressed={v.votes.mine === 1}
                      aria-label={`Helpful: version ${v.number}, ${votesText(v.votes.up)}`}
                      disabled={vote.isPending}
                      onClick={() => vote.mutate({ versionId: v.id, value: 1 })}
                    >
                      ▲ {v.votes.up}
                    </button>
                    <button
                      type="button"
                      aria-pressed={v.votes.mine === -1}
                      aria-label={`Not helpful: version ${v.number}, ${votesText(v.votes.down)}`}
                      disabled={vote.isPending}
                      onClick={() => vote.mutate({ versionId: v.id, value: -1 })}
                    >
                      ▼ {v.votes.down}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="compare-title" className="card">
        <h2 id="compare-title">Compare two versions</h2>
        <div className={styles.row}>
          <label>
            From{" "}
            <select value={from ?? ""} onChange={(e) => setFromId(e.target.value)}>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  version {v.number}
                </option>
              ))}
            </select>
          </label>
          <label>
            to{" "}
            <select value={to ?? ""} onChange={(e) => setToId(e.target.value)}>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  version {v.number}
                </option>
              ))}
            </select>
          </label>
        </div>
        {from && to ? <VersionDiff fromId={from} toId={to} durationMs={m.song.durationMs} /> : null}
      </section>

      {to ? (
        <Comments
          versionId={to}
          number={versions.find((v) => v.id === to)?.number ?? 0}
          durationMs={m.song.durationMs}
        />
      ) : null}

      <section aria-labelledby="rating-title" className="card">
        <h2 id="rating-title">Rate this chart</h2>
        {m.rating.played ? null : (
          <p id="rating-hint" className={styles.muted}>
            Ratings come from drummers who played the chart: practise it while signed in, and rate it once
            your run is synced.
          </p>
        )}
        <fieldset
          className={styles.stars}
          disabled={!m.rating.played}
          aria-describedby={m.rating.played ? undefined : "rating-hint"}
        >
          <legend>Your rating{myStars ? `: ${myStars} of 5` : ""}</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n}>
              <input
                type="radio"
                name="stars"
                checked={myStars === n}
                onChange={() => {
                  setChosenStars(n);
                  rate.mutate({ mapId: m.id, stars: n });
                }}
              />{" "}
              {n} {n === 1 ? "star" : "stars"}
            </label>
          ))}
        </fieldset>
        <ErrorMessage error={rate.error} action="Sign in with a verified email to rate." />
      </section>

      {m.pendingProposals.length > 0 ? (
        <section aria-labelledby="pending-title" className="card">
          <h2 id="pending-title">Fixes waiting for review</h2>
          <ul>
            {m.pendingProposals.map((p) => (
              <li key={p.id}>
                {p.author.displayName}, {new Date(p.createdAt).toLocaleString()}
                {p.message ? `: “${p.message}”` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

function starsLabel(average: number | null, count: number): string {
  return average === null
    ? "not rated yet"
    : `${average.toFixed(1)} of 5 from ${count} ${count === 1 ? "rating" : "ratings"}`;
}

/** How sure the generator was of the newest version's grid, with a way into the editor's timing tools. */
function NewestGrid({
  mapId,
  versionId,
  durationMs,
}: {
  mapId: string;
  versionId: string;
  durationMs: number;
}) {
  const trpc = useTRPC();
  const version = useQuery(trpc.maps.version.queryOptions({ versionId }));
  if (!version.data) return null;
  const chart = version.data.chart;
  const end = Math.max(durationMs, chart.Audio.Duration ?? 0, chart.HitObjects.at(-1)?.Time ?? 0);
  return <GridNotice timing={chart.Timing} endMs={end} fixHref={`/edit/${mapId}?tools=timing`} />;
}

function VersionDiff({ fromId, toId, durationMs }: { fromId: string; toId: string; durationMs: number }) {
  const trpc = useTRPC();
  const a = useQuery(trpc.maps.version.queryOptions({ versionId: fromId }));
  const b = useQuery(trpc.maps.version.queryOptions({ versionId: toId }));
  const diff = useMemo(
    () => (a.data && b.data ? diffCharts(a.data.chart, b.data.chart) : null),
    [a.data, b.data],
  );
  if (a.error || b.error) return <ErrorMessage error={a.error ?? b.error} action="Try again." />;
  if (!diff || !a.data || !b.data) return <p role="status">Loading both versions…</p>;
  if (fromId === toId) return <p>Pick two different versions to see what changed.</p>;
  const summary = summarizeDiff(diff, a.data.chart.HitObjects.length);
  const timing = diff.sections.Timing;
  const before = a.data.chart.Timing;
  const after = b.data.chart.Timing;
  return (
    <div data-testid="version-diff">
      <DiffTimeline
        diff={diff}
        summary={summary}
        durationMs={Math.max(durationMs, b.data.chart.Audio.Duration ?? 0)}
      />
      {timing ? (
        <p data-testid="timing-change">Timing changed: {describeTimingChange(before, after)}.</p>
      ) : null}
    </div>
  );
}

function Comments({
  versionId,
  number,
  durationMs,
}: {
  versionId: string;
  number: number;
  durationMs: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.comments.list.queryOptions({ versionId }));
  const [at, setAt] = useState(0);
  const [text, setText] = useState("");
  const sliderId = useId();
  const add = useMutation(
    trpc.comments.add.mutationOptions({
      onSuccess: () => {
        setText("");
        void queryClient.invalidateQueries({ queryKey: trpc.comments.list.queryKey({ versionId }) });
      },
    }),
  );
  const span = Math.max(durationMs, 1);
  return (
    <section aria-labelledby="comments-title" className="card">
      <h2 id="comments-title">Comments on version {number}</h2>
      <svg
        className={styles.strip}
        viewBox="0 0 1000 24"
        role="img"
        aria-label="Comment markers on the song's timeline"
      >
        <line x1={0} x2={1000} y1={12} y2={12} className={styles.stripLine} />
        {(list.data ?? []).map((c) => (
          <circle key={c.id} cx={(c.timeMs / span) * 1000} cy={12} r={5} className={styles.marker} />
        ))}
        <line x1={(at / span) * 1000} x2={(at / span) * 1000} y1={0} y2={24} className={styles.playhead} />
      </svg>
      <label htmlFor={sliderId}>Playhead: {formatTime(at)}</label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={span}
        step={100}
        value={at}
        onChange={(e) => setAt(Number(e.target.value))}
        aria-valuetext={formatTime(at)}
        className={styles.slider}
      />
      <form
        className={styles.row}
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ versionId, timeMs: at, text });
        }}
      >
        <label className={styles.grow}>
          Comment at {formatTime(at)}{" "}
          <input value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} required />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add comment
        </button>
      </form>
      <ErrorMessage error={add.error} action="Sign in with a verified email to comment." />
      {list.data && list.data.length > 0 ? (
        <ol className={styles.comments} data-testid="comments">
          {list.data.map((c) => (
            <li key={c.id}>
              <button type="button" className={styles.link} onClick={() => setAt(c.timeMs)}>
                {formatTime(c.timeMs)}
              </button>{" "}
              {c.author.displayName}: {c.text}
            </li>
          ))}
        </ol>
      ) : (
        <p className={styles.muted}>No comments on this version yet.</p>
      )}
    </section>
  );
}
