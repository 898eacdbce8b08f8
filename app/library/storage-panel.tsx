"use client";
// What the library takes on this device and whether the browser may evict it; cleanup, a whole-
// library backup file, and "make generation available offline" (models + runtime fetched once).
import { type ChangeEvent, useCallback, useEffect, useId, useState } from "react";
import { browserModelStoreDeps, loadModelFile } from "@/lib/inference/model-store.ts";
import { loadPipelineModels } from "@/lib/pipeline/manifest-adapter.ts";
import { pipelineModelFiles } from "@/lib/pipeline/model-spec.ts";
import { exportLibrary, importLibrary } from "@/lib/store/backup.ts";
import { localDb } from "@/lib/store/db.ts";
import { compactStoredStemsOnce } from "@/lib/store/stems.ts";
import {
  CACHE_KINDS,
  type CacheUsage,
  type ChartUsage,
  cacheUsage,
  chartUsage,
  formatBytes,
  isQuotaError,
  QUOTA_MESSAGE,
  removeCaches,
  requestPersistence,
  type StorageState,
  storageState,
} from "@/lib/store/storage.ts";

/** The inference runtime the WASM backend fetches (the service worker keeps it once fetched). */
const RUNTIME_FILES = ["/ort/ort-wasm-simd-threaded.wasm"];

export function StoragePanel({ version, onChange }: { version: number; onChange: () => void }) {
  const [state, setState] = useState<StorageState | null>(null);
  const [usage, setUsage] = useState<ChartUsage[]>([]);
  const [cached, setCached] = useState<CacheUsage[]>([]);
  const [note, setNote] = useState<{ text: string; error?: boolean } | null>(null);
  const [offlineModels, setOfflineModels] = useState<string | null>(null);
  const [withStems, setWithStems] = useState(false);
  const importId = useId();

  const refresh = useCallback(async () => {
    const [s, u, c] = await Promise.all([
      storageState(),
      chartUsage(localDb()).catch(() => []),
      cacheUsage().catch(() => []),
    ]);
    setState(s);
    setUsage(u);
    setCached(c);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` changes when the library does
  useEffect(() => {
    void refresh();
  }, [refresh, version]);
  // Stems saved before they were stored compressed shrink in the background (sizes shown after).
  useEffect(() => {
    void compactStoredStemsOnce(localDb()).then((r) => (r.compacted > 0 ? refresh() : undefined));
  }, [refresh]);

  const fail = (error: unknown) =>
    setNote({
      text: isQuotaError(error) ? QUOTA_MESSAGE : error instanceof Error ? error.message : String(error),
      error: true,
    });

  const exportAll = async () => {
    try {
      const blob = await exportLibrary(localDb(), { includeStems: withStems });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `beatsight-library-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      setNote({ text: `Exported the library (${formatBytes(blob.size)}). Keep the file somewhere safe.` });
    } catch (error) {
      fail(error);
    }
  };

  const importAll = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    try {
      const r = await importLibrary(localDb(), file);
      setNote({
        text: `Restored ${r.charts} chart${r.charts === 1 ? "" : "s"} (${r.skipped} already here), ${r.results} practice results, ${r.settings} settings, ${r.stems} sets of stems.`,
      });
      onChange();
    } catch (error) {
      fail(error);
    }
  };

  const dropStems = async (chart: ChartUsage) => {
    await localDb().stems.delete(chart.chartId);
    setNote({ text: `Removed the stems of “${chart.title}”; the chart plays with the full mix.` });
    onChange();
  };

  const dropCache = async (entry: CacheUsage) => {
    try {
      await removeCaches(entry);
      setNote({
        text: `Removed ${CACHE_KINDS[entry.kind].label.toLowerCase()} (${formatBytes(entry.bytes)}); they are downloaded again when needed.`,
      });
      if (entry.kind === "models" || entry.kind === "runtime") setOfflineModels(null);
      void refresh();
    } catch (error) {
      fail(error);
    }
  };

  const makeOffline = async () => {
    const controller = new AbortController();
    try {
      setOfflineModels("Downloading…");
      const { models } = await loadPipelineModels(fetch);
      const files = pipelineModelFiles(models);
      let done = 0;
      for (const file of files) {
        // Checked against the manifest's sha256 and kept in the models' cache (lib/inference/model-store.ts).
        await loadModelFile(controller.signal, file, browserModelStoreDeps());
        setOfflineModels(`Downloading… ${++done} of ${files.length + RUNTIME_FILES.length}`);
      }
      for (const url of RUNTIME_FILES) {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${url} could not be downloaded (${response.status}).`);
        await response.arrayBuffer();
        setOfflineModels(`Downloading… ${++done} of ${files.length + RUNTIME_FILES.length}`);
      }
      setOfflineModels("Ready: generating charts works offline on this device.");
      void refresh();
    } catch (error) {
      setOfflineModels(null);
      fail(error);
    }
  };

  const used = state?.usageBytes;
  const quota = state?.quotaBytes;
  return (
    <section aria-labelledby="storage-title" className="storage-panel" data-testid="storage-panel">
      <h2 id="storage-title">Storage on this device</h2>
      <dl className="facts">
        <dt>Kept by the browser</dt>
        <dd data-testid="storage-persisted">
          {state?.persisted === true
            ? "Yes: the browser will not clear it to free space."
            : state?.persisted === false
              ? "Not guaranteed: the browser may clear it when space runs low."
              : "Unknown in this browser."}{" "}
          {state?.persisted === false ? (
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                const granted = await requestPersistence();
                setNote({
                  text: granted
                    ? "The browser will keep your library."
                    : "The browser did not promise to keep it; export a backup now and then.",
                });
                void refresh();
              }}
            >
              Ask to keep it
            </button>
          ) : null}
        </dd>
        <dt>Used</dt>
        <dd data-testid="storage-used">
          {used != null && quota != null
            ? `${formatBytes(used)} of ${formatBytes(quota)} available to BeatSight`
            : "Unknown in this browser."}
        </dd>
      </dl>
      <p className="muted">
        Some browsers (Safari) delete a site&rsquo;s data after 7 days without a visit, whatever they promise:
        export your library to keep a copy.
      </p>
      <div className="library-actions">
        <button type="button" onClick={() => void exportAll()}>
          Export library
        </button>
        <label>
          <input type="checkbox" checked={withStems} onChange={(e) => setWithStems(e.target.checked)} /> with
          stems (large)
        </label>
        <label htmlFor={importId} className="file-label">
          Restore from a library file
        </label>
        <input
          id={importId}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void importAll(e)}
        />
      </div>
      <div className="library-actions">
        <button type="button" className="secondary" onClick={() => void makeOffline()}>
          Make generation available offline
        </button>
        <span role="status" className="muted" data-testid="offline-models">
          {offlineModels}
        </span>
      </div>
      {usage.length > 0 ? (
        <table className="usage-table">
          <caption className="muted">What uses space, largest first</caption>
          <thead>
            <tr>
              <th scope="col">Chart</th>
              <th scope="col">Chart data</th>
              <th scope="col">Stems</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.map((u) => (
              <tr key={u.chartId}>
                <td>{u.title}</td>
                <td>{formatBytes(u.chartBytes)}</td>
                <td>{u.stemBytes ? formatBytes(u.stemBytes) : "–"}</td>
                <td>
                  {u.stemBytes ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void dropStems(u)}
                      aria-label={`Remove stems of ${u.title}`}
                    >
                      Remove stems
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cached.length > 0 ? (
        <table className="usage-table" data-testid="cache-usage">
          <caption className="muted">Files kept for offline use</caption>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cached.map((c) => (
              <tr key={c.kind}>
                <td>{CACHE_KINDS[c.kind].label}</td>
                <td>{formatBytes(c.bytes)}</td>
                <td>
                  {CACHE_KINDS[c.kind].removable ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void dropCache(c)}
                      aria-label={`Remove ${CACHE_KINDS[c.kind].label.toLowerCase()}`}
                    >
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p
        role="status"
        aria-live="polite"
        className={note?.error ? "error" : "muted"}
        data-testid="storage-status"
      >
        {note?.text}
      </p>
    </section>
  );
}
