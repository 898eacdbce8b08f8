"use client";
// A chart's notation laid out on paper: A4 or Letter, a header on the first page (title, artist,
// tempo and meter, chart name and version from the chart's metadata), the engraved systems cut
// into pages at system edges (print-layout.ts), each page exactly one sheet, so the browser's
// print gives clean pages. The staff is engraved at the printable width of the chosen paper.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Beatmap } from "@/lib/beatmap/schema.ts";
import { chartAtLevel, LEVEL_LABELS, type Level } from "@/lib/practice/levels.ts";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";
import { chartMusicXml } from "./chart-notation.ts";
import styles from "./print.module.css";
import { contentBox, PAPERS, type PaperSize, paginate } from "./print-layout.ts";
import staffStyles from "./staff.module.css";
import { loadAlphaTab, loadScore, renderStaff, type StaffLayout } from "./staff-render.ts";

export function PrintView(props: {
  mapId: string;
  versionId: string | null;
  paper: PaperSize;
  level: Level;
}) {
  const { mapId, level } = props;
  const trpc = useTRPC();
  const map = useQuery(trpc.maps.get.queryOptions({ mapId }));
  const latest = map.data?.versions.reduce<{ id: string; number: number } | null>(
    (a, v) => (a && a.number > v.number ? a : v),
    null,
  );
  const chosen = map.data?.versions.find((v) => v.id === props.versionId) ?? latest ?? null;
  const version = useQuery({
    ...trpc.maps.version.queryOptions({ versionId: chosen?.id ?? "" }),
    enabled: !!chosen,
  });
  const [paper, setPaper] = useState<PaperSize>(props.paper);
  const stored = version.data?.chart;
  const chart = useMemo(() => (stored ? chartAtLevel(stored, level) : undefined), [stored, level]);

  if (map.error || version.error)
    return (
      <ErrorMessage error={map.error ?? version.error} action="Check the address, or go back to the map." />
    );
  if (!map.data || !chosen || !chart) return <p role="status">Loading the chart…</p>;
  const m = map.data;
  return (
    <div className={styles.printRoot}>
      <div className={styles.controls}>
        <p>
          <Link href={`/maps/${m.id}`}>Back to the map</Link>
        </p>
        <label>
          Paper{" "}
          <select
            value={paper}
            onChange={(e) => {
              const next = e.target.value as PaperSize;
              setPaper(next);
              const url = new URL(window.location.href);
              url.searchParams.set("paper", next);
              window.history.replaceState(null, "", url);
            }}
          >
            {Object.entries(PAPERS).map(([key, p]) => (
              <option key={key} value={key}>
                {p.label}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <Sheets
        chart={chart}
        paper={paper}
        title={m.song.title ?? m.name}
        artist={m.song.artist ?? ""}
        chartName={`${m.name}, version ${chosen.number} · ${LEVEL_LABELS[level]} level`}
      />
    </div>
  );
}

type Engraving =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "ready"; layout: StaffLayout };

function Sheets(props: {
  chart: Beatmap;
  paper: PaperSize;
  title: string;
  artist: string;
  chartName: string;
}) {
  const { chart, paper, title, artist, chartName } = props;
  const sheet = PAPERS[paper];
  const box = contentBox(sheet);
  const [engraving, setEngraving] = useState<Engraving>({ kind: "loading" });
  useEffect(() => {
    let cancelled = false;
    setEngraving({ kind: "loading" });
    Promise.all([loadAlphaTab(), chartMusicXml(chart)])
      .then(([at, xml]) => renderStaff(at, loadScore(at, xml), { width: box.width, scale: 0.9 }))
      .then(
        (layout) => !cancelled && setEngraving({ kind: "ready", layout }),
        (e: unknown) =>
          !cancelled &&
          setEngraving({
            kind: "error",
            message: `The notation could not be drawn: ${e instanceof Error ? e.message : String(e)}`,
          }),
      );
    return () => {
      cancelled = true;
    };
  }, [chart, box.width]);

  // The header's height decides how much of page one the staff gets.
  const header = useRef<HTMLElement>(null);
  const [headerHeight, setHeaderHeight] = useState(0);
  useLayoutEffect(() => {
    if (header.current) setHeaderHeight(Math.ceil(header.current.getBoundingClientRect().height));
  });
  const pages = useMemo(
    () =>
      engraving.kind === "ready" && headerHeight > 0
        ? paginate(engraving.layout, box.height, headerHeight)
        : [],
    [engraving, box.height, headerHeight],
  );

  const pageStyle = {
    width: `${sheet.widthMm}mm`,
    height: `${sheet.heightMm}mm`,
    padding: `${sheet.marginMm}mm`,
  };
  const head = (
    <header ref={header} className={styles.header}>
      <h1>{title}</h1>
      {artist ? <p className={styles.composer}>{artist}</p> : null}
      <p className={styles.details}>
        <span>{tempoText(chart)}</span>
        <span>{chartName}</span>
      </p>
    </header>
  );
  if (engraving.kind === "error")
    return <ErrorMessage error={engraving.message} action="Reload the page to try again." />;
  return (
    <div className={styles.pages} data-testid="print-pages" data-paper={paper} data-state={engraving.kind}>
      {engraving.kind === "loading" || pages.length === 0 ? (
        <article className={`${styles.page} ${styles[paper]}`} style={pageStyle}>
          {head}
          <p role="status">Engraving the notation…</p>
        </article>
      ) : (
        pages.map((slice, i) => (
          <article
            key={`${paper}-${slice.top}`}
            className={`${styles.page} ${styles[paper]}`}
            style={pageStyle}
            data-testid="print-page"
            aria-label={`Page ${i + 1} of ${pages.length}`}
          >
            {i === 0 ? head : null}
            <div
              className={`${staffStyles.sheet} ${styles.staff}`}
              style={{ width: `${box.width}px`, height: `${slice.bottom - slice.top}px` }}
            >
              {engraving.layout.chunks
                .filter((c) => c.y >= slice.top && c.y < slice.bottom)
                .map((c) => (
                  <div
                    key={c.y}
                    className={staffStyles.chunk}
                    style={{
                      left: `${c.x}px`,
                      top: `${c.y - slice.top}px`,
                      width: `${c.width}px`,
                      height: `${c.height}px`,
                    }}
                    // alphaTab's own SVG: the text it draws is escaped (SvgCanvas), and no script runs.
                    // biome-ignore lint/security/noDangerouslySetInnerHtml: engraved SVG from alphaTab
                    dangerouslySetInnerHTML={{ __html: c.svg }}
                  />
                ))}
            </div>
            <p className={styles.folio}>
              {title} · {i + 1}/{pages.length}
            </p>
          </article>
        ))
      )}
    </div>
  );
}

/** "♩ = 120 · 4/4", with "from" when the tempo or meter changes along the song. */
function tempoText(chart: Beatmap): string {
  const t = chart.Timing;
  if (!t) return "♩ = 120 · 4/4 (no tempo map)";
  const changes = t.TimingPoints.some((p) => Math.abs(p.Bpm - t.Bpm) > 0.05 || p.TimeSignature);
  const bpm = Math.round(t.Bpm * 10) / 10;
  return `♩ = ${bpm} · ${t.TimeSignature}${changes ? " at the start (it changes along the song)" : ""}`;
}
