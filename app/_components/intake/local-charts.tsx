"use client";
// "On this device": the drummer's own charts of a dropped song (generated, imported, practised from
// the server, with unsaved edits) and their drafts of server maps, found by fingerprint in the
// device's library before the network is asked (lib/store/local-songs.ts). Practising one plays the
// dropped file along with it when the chart has no stems.
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { LocalChartMatch, LocalSongMatches } from "@/lib/store/local-songs.ts";
import { setPendingAudio } from "../play/pending-audio.ts";
import styles from "./intake.module.css";

const ORIGIN: Record<LocalChartMatch["chart"]["origin"], string> = {
  generated: "generated on this device",
  imported: "imported",
  server: "from BeatSight",
};

export function hasLocalCharts(local: LocalSongMatches): boolean {
  return local.charts.length > 0 || local.mapDrafts.length > 0;
}

export function LocalCharts({ local, file }: { local: LocalSongMatches; file: File | null }) {
  const router = useRouter();
  if (!hasLocalCharts(local)) return null;
  const practise = (chartId: string) => {
    if (file) setPendingAudio(chartId, file);
    router.push(`/play/${chartId}`);
  };
  return (
    <div data-testid="local-charts">
      <h3>Your chart{local.charts.length + local.mapDrafts.length > 1 ? "s" : ""} on this device</h3>
      <ul className={styles.localList}>
        {local.charts.map(({ chart, draft }, i) => (
          <li key={chart.id}>
            {i === 0 ? (
              <button type="button" onClick={() => practise(chart.id)}>
                Practise your chart
              </button>
            ) : (
              <button type="button" className={styles.secondary} onClick={() => practise(chart.id)}>
                Practise “{chart.title}”
              </button>
            )}{" "}
            <strong>{chart.title}</strong>{" "}
            <span className={styles.optional}>
              {ORIGIN[chart.origin]}, {chart.noteCount} notes
              {chart.origin !== "server" && !chart.mapVersionId ? ", not shared" : ""}
            </span>{" "}
            <Link href={`/edit/local/${chart.id}`}>
              {draft ? "Continue your unsaved edits" : `Edit ${chart.title}`}
            </Link>
          </li>
        ))}
        {local.mapDrafts.map(({ draft, mapId }) => (
          <li key={draft.key}>
            <Link href={`/edit/${mapId}`}>
              Continue your edit of “{draft.beatmap.Metadata?.Title || "the chart"}”
            </Link>{" "}
            <span className={styles.optional}>unsaved edits of a BeatSight chart</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
