"use client";
// A shared map's chart as a file, in every format the app writes (chart-downloads.tsx): the
// newest version, fetched when asked for (the same query the notation uses, so it is fetched once).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ChartDownloads } from "./chart-downloads.tsx";
import { ErrorMessage } from "./error-message.tsx";
import { useTRPC } from "./trpc.tsx";

export function MapDownloads({ versionId, title }: { versionId: string; title: string }) {
  const [open, setOpen] = useState(false);
  const trpc = useTRPC();
  const version = useQuery({ ...trpc.maps.version.queryOptions({ versionId }), enabled: open });
  return (
    <section aria-labelledby="downloads-title" className="card">
      <h2 id="downloads-title">Download</h2>
      <p>
        The chart as a file: .bsm for BeatSight, MIDI for a DAW or an e-kit, Clone Hero and osu!mania, or
        MusicXML, Guitar Pro and drum tab to read and print.
      </p>
      {!open ? (
        <p>
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            Choose a format
          </button>
        </p>
      ) : version.error ? (
        <ErrorMessage error={version.error} action="Try again." />
      ) : version.data ? (
        <ChartDownloads beatmap={version.data.chart} title={title} />
      ) : (
        <p role="status">Loading the chart…</p>
      )}
    </section>
  );
}
