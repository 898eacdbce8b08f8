"use client";
// The chart's download buttons, one per format, shared by every page that offers a chart as a
// file. Formats are written on the device (lib/beatmap/formats.ts); Guitar Pro loads alphaTab on
// demand, so the buttons cost nothing until one is used. What a format could not hold is shown
// under the buttons after a download.
import { useState } from "react";
import { exportChartFileAsync } from "@/lib/beatmap/formats.ts";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import { ErrorMessage } from "./error-message.tsx";

export const CHART_DOWNLOADS = [
  { extension: "bsm", label: "Download .bsm" },
  { extension: "mid", label: "Download MIDI" },
  { extension: "chart", label: "Download Clone Hero .chart" },
  { extension: "osu", label: "Download osu!mania .osu" },
  { extension: "musicxml", label: "Download MusicXML" },
  { extension: "gp", label: "Download Guitar Pro" },
  { extension: "txt", label: "Download drum tab" },
] as const;

/** A file name without characters that file systems refuse. */
const safeName = (title: string) => title.replace(/[\\/:*?"<>|]+/g, " ").trim() || "chart";

export function ChartDownloads({ beatmap, title }: { beatmap: Beatmap; title: string }) {
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const download = async (extension: string) => {
    const name = `${safeName(title)}.${extension}`;
    setBusy(extension);
    try {
      const { data, warnings } = await exportChartFileAsync(beatmap, name);
      save(data.main, name);
      for (const [extra, bytes] of Object.entries(data.extra)) save(bytes, extra);
      setError(null);
      setNotes(warnings);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setNotes([]);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <div className="actions">
        {CHART_DOWNLOADS.map((d) => (
          <button
            key={d.extension}
            type="button"
            className="secondary"
            disabled={busy !== null}
            aria-busy={busy === d.extension}
            onClick={() => void download(d.extension)}
          >
            {d.label}
          </button>
        ))}
      </div>
      {notes.length > 0 ? (
        <ul className="muted" aria-label="What the file could not hold">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage error={error} />
    </>
  );
}

function save(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
