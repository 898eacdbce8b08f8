// A song and its charts: where "open its map / open the song" from the intake leads.
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { createContext } from "@/server/trpc/init.ts";
import { createCaller } from "@/server/trpc/root.ts";
import { SongLevels } from "../../_components/map-levels.tsx";
import { PractiseButton } from "../../_components/practise-button.tsx";
import { StatusLabel } from "../../_components/status-label.tsx";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const loadSong = cache(async (id: string) => {
  if (!UUID.test(id)) return null;
  const caller = createCaller(await createContext({ headers: await headers() }));
  try {
    return await caller.songs.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
    throw error;
  }
});

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const song = await loadSong((await params).id);
  return { title: song?.title ?? "Song" };
}

const STATUS_TEXT = {
  pending: "No chart yet",
  unverified: "Charts waiting for verification",
  verified: "Has a verified chart",
  archived: "Archived",
} as const;

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export default async function SongPage({ params }: Params) {
  const song = await loadSong((await params).id);
  if (!song) notFound();
  return (
    <section aria-labelledby="song-title">
      <h1 id="song-title">{song.title ?? "Untitled song"}</h1>
      <dl className="facts" data-testid="song-facts">
        <dt>Artist</dt>
        <dd>{song.artist ?? "Unknown"}</dd>
        {song.album ? (
          <>
            <dt>Album</dt>
            <dd>{song.album}</dd>
          </>
        ) : null}
        <dt>Duration</dt>
        <dd>{formatDuration(song.durationMs)}</dd>
        <dt>Status</dt>
        <dd>{STATUS_TEXT[song.status]}</dd>
        <dt>Fingerprints</dt>
        <dd>
          {song.fingerprintCount} {song.fingerprintCount === 1 ? "encoding" : "encodings"} known
        </dd>
      </dl>
      <section className="card" aria-labelledby="maps-title">
        <h2 id="maps-title">Charts</h2>
        {song.maps.length === 0 ? (
          <p>
            Nobody has charted this song yet: drop it on the home page to generate its chart on your device.{" "}
            <Link href="/">Add another song</Link>
          </p>
        ) : (
          <ul>
            {song.maps.map((map) => (
              <li key={map.id} id={`map-${map.id}`}>
                <strong>{map.name}</strong> <StatusLabel state={map.state} canonical={map.isCanonical} />
                {map.difficulty ? `, difficulty ${map.difficulty}/10` : ""}{" "}
                <PractiseButton mapId={map.id} label={`Practise ${map.name}`} />{" "}
                <Link href={`/maps/${map.id}`} aria-label={`Versions and fixes of ${map.name}`}>
                  Versions and fixes
                </Link>
              </li>
            ))}
          </ul>
        )}
        {song.maps[0] ? (
          <SongLevels songId={song.id} mapId={song.maps[0].id} mapName={song.maps[0].name} />
        ) : null}
      </section>
    </section>
  );
}
