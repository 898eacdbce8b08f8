"use client";
// The difficulty level on the song and map pages: the chooser (remembered per song, the player
// starts at it) with each level's notes per second for the chart at hand, and on the map page
// the leaderboard of the chosen level.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { LEVEL_LABELS, type Level, levelSummaries } from "@/lib/practice/levels.ts";
import { songKey } from "@/lib/store/levels.ts";
import { ErrorMessage } from "./error-message.tsx";
import { LevelChooser, useRememberedLevel } from "./level-chooser.tsx";
import { useTRPC } from "./trpc.tsx";

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The chooser for a song, with the rates of one version of one of its charts. */
export function MapLevels(props: { songId: string; versionId: string; mapId?: string; caption?: string }) {
  const { songId, versionId, mapId, caption } = props;
  const trpc = useTRPC();
  const version = useQuery(trpc.maps.version.queryOptions({ versionId }));
  const summaries = useMemo(() => (version.data ? levelSummaries(version.data.chart) : null), [version.data]);
  const [level, choose] = useRememberedLevel(songKey({ songId }));
  return (
    <div data-testid="map-levels">
      <LevelChooser
        value={level ?? "expert"}
        onChange={choose}
        summaries={summaries}
        disabled={level === null}
      />
      {caption ? <p className="muted">{caption}</p> : null}
      {mapId && level ? <Leaderboard mapId={mapId} level={level} /> : null}
    </div>
  );
}

/** The chooser for a song on its page: rates from the newest version of its first chart. */
export function SongLevels({ songId, mapId, mapName }: { songId: string; mapId: string; mapName: string }) {
  const trpc = useTRPC();
  const map = useQuery(trpc.maps.get.queryOptions({ mapId }));
  const newest = map.data ? [...map.data.versions].sort((a, b) => b.number - a.number)[0] : undefined;
  if (!newest) return null;
  return (
    <MapLevels
      songId={songId}
      versionId={newest.id}
      caption={`Notes per second of ${mapName}; practising any chart of this song starts at the level chosen.`}
    />
  );
}

function Leaderboard({ mapId, level }: { mapId: string; level: Level }) {
  const trpc = useTRPC();
  const board = useQuery(trpc.results.leaderboard.queryOptions({ mapId, level }));
  const title = `Leaderboard: ${LEVEL_LABELS[level]}`;
  return (
    <section aria-label={title} data-testid="leaderboard">
      <h3>{title}</h3>
      <ErrorMessage error={board.error} action="Reload the page to try again." />
      {board.data && board.data.length === 0 ? (
        <p className="muted">
          No runs at {LEVEL_LABELS[level]} yet: practise it at full tempo while signed in to be the first.
        </p>
      ) : null}
      {board.data && board.data.length > 0 ? (
        <ol>
          {board.data.map((e) => (
            <li key={e.rank}>
              {e.displayName}: {e.score} ({pct(e.accuracy)}
              {e.tempo > 1 ? `, ${Math.round(e.tempo * 100)} % tempo` : ""}, version {e.version})
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
