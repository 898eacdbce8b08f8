"use client";
// The map page's notation: a chart version as a drum staff, engraved when asked for (alphaTab is
// loaded then, not with the page), and a way to the print layout.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { LazyStaffView } from "./lazy-staff-view.tsx";

export function MapNotation(props: {
  mapId: string;
  versionId: string;
  /** The chart to show instead of the version's own (a difficulty level of it). */
  chart?: Beatmap;
  title: string;
}) {
  const { mapId, versionId, chart, title } = props;
  const [open, setOpen] = useState(false);
  const trpc = useTRPC();
  const version = useQuery({ ...trpc.maps.version.queryOptions({ versionId }), enabled: open && !chart });
  const shown = chart ?? version.data?.chart;
  return (
    <section aria-labelledby="notation-title" className="card">
      <h2 id="notation-title">Notation</h2>
      <p>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? "Hide the notation" : "Show as notation"}
        </button>{" "}
        <Link href={`/maps/${mapId}/print?version=${versionId}`}>Print the notation</Link>
      </p>
      {open && version.error ? <ErrorMessage error={version.error} action="Try again." /> : null}
      {open && shown ? <LazyStaffView beatmap={shown} label={`${title} as drum notation`} /> : null}
      {open && !shown && !version.error ? <p role="status">Loading the chart…</p> : null}
    </section>
  );
}
