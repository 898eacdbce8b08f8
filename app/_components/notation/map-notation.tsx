"use client";
// The map page's notation: a chart version as a drum staff at the difficulty level chosen for the
// song (the page's chooser, map-levels.tsx, keeps it on the device; a live query follows each new
// choice), engraved when asked for (alphaTab is loaded then, not with the page), and a way to the
// print layout at the same level.
import { useQuery } from "@tanstack/react-query";
import { liveQuery } from "dexie";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { chartAtLevel, LEVEL_LABELS, type Level } from "@/lib/practice/levels.ts";
import { localDb } from "@/lib/store/db.ts";
import { rememberedLevel, songKey } from "@/lib/store/levels.ts";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { LazyStaffView } from "./lazy-staff-view.tsx";

export function MapNotation(props: { mapId: string; songId: string; versionId: string; title: string }) {
  const { mapId, songId, versionId, title } = props;
  const [open, setOpen] = useState(false);
  const trpc = useTRPC();
  const version = useQuery({ ...trpc.maps.version.queryOptions({ versionId }), enabled: open });
  const level = useChosenLevel(songId);
  const stored = version.data?.chart;
  const shown = useMemo(() => (stored ? chartAtLevel(stored, level) : undefined), [stored, level]);
  return (
    <section aria-labelledby="notation-title" className="card">
      <h2 id="notation-title">Notation</h2>
      <p>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? "Hide the notation" : "Show as notation"}
        </button>{" "}
        <Link href={`/maps/${mapId}/print?version=${versionId}&level=${level}`}>
          Print the notation ({LEVEL_LABELS[level]})
        </Link>
      </p>
      {open && version.error ? <ErrorMessage error={version.error} action="Try again." /> : null}
      {open && shown ? (
        <LazyStaffView beatmap={shown} label={`${title} as drum notation, ${LEVEL_LABELS[level]}`} />
      ) : null}
      {open && !shown && !version.error ? <p role="status">Loading the chart…</p> : null}
    </section>
  );
}

/** The level chosen for the song on this device, following every new choice. */
function useChosenLevel(songId: string): Level {
  const [level, setLevel] = useState<Level>("expert");
  useEffect(() => {
    const key = songKey({ songId });
    const subscription = liveQuery(() => rememberedLevel(localDb(), key)).subscribe({
      next: setLevel,
      // No IndexedDB (private mode in some browsers): the whole chart.
      error: () => setLevel("expert"),
    });
    return () => subscription.unsubscribe();
  }, [songId]);
  return level;
}
