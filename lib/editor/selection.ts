// Selection (not undoable: it changes what the next edit applies to, not the chart) and
// navigation to the notes the transcriber was least sure of.
import type { EditorDoc, EditorNote } from "./document.ts";

export type SelectMode = "replace" | "add" | "toggle";

export function select(doc: EditorDoc, ids: Iterable<number>, mode: SelectMode = "replace"): EditorDoc {
  const next = new Set(mode === "replace" ? [] : doc.selection);
  for (const id of ids) {
    if (mode === "toggle" && next.has(id)) next.delete(id);
    else next.add(id);
  }
  return { ...doc, selection: next };
}

export function selectAll(doc: EditorDoc): EditorDoc {
  return { ...doc, selection: new Set(doc.notes.map((n) => n.id)) };
}

export function clearSelection(doc: EditorDoc): EditorDoc {
  return doc.selection.size === 0 ? doc : { ...doc, selection: new Set() };
}

/** Notes inside a time range and lane range (both inclusive, either order). */
export function notesInBox(
  notes: readonly EditorNote[],
  box: { fromMs: number; toMs: number; fromLane: number; toLane: number },
): number[] {
  const t0 = Math.min(box.fromMs, box.toMs);
  const t1 = Math.max(box.fromMs, box.toMs);
  const l0 = Math.min(box.fromLane, box.toLane);
  const l1 = Math.max(box.fromLane, box.toLane);
  const out: number[] = [];
  for (const n of notes) {
    if (n.Time > t1) break;
    if (n.Time >= t0 && n.Lane >= l0 && n.Lane <= l1) out.push(n.id);
  }
  return out;
}

/**
 * Below this the transcriber was unsure. The same line as lint's low_confidence report (a coin
 * flip: lib/transcribe/peaks.ts maps a peak exactly at its threshold to 0.5).
 */
export const UNSURE_BELOW = 0.5;

export function isUnsure(n: EditorNote): boolean {
  return !n.confirmed && n.Confidence !== undefined && n.Confidence < UNSURE_BELOW;
}

export function unsureCount(doc: EditorDoc): number {
  let count = 0;
  for (const n of doc.notes) if (isUnsure(n)) count++;
  return count;
}

/**
 * The next unsure note after `fromMs` (dir 1) or before it (dir −1), wrapping around the song;
 * several at one time come lane by lane via `afterId`. Null when every note is sure or confirmed.
 */
export function nextUnsure(
  doc: EditorDoc,
  fromMs: number,
  dir: 1 | -1 = 1,
  afterId?: number,
): EditorNote | null {
  const unsure = doc.notes.filter(isUnsure);
  if (unsure.length === 0) return null;
  const list = dir > 0 ? unsure : [...unsure].reverse();
  const current = afterId === undefined ? -1 : list.findIndex((n) => n.id === afterId);
  if (current >= 0) return list[(current + 1) % list.length]!;
  const found = list.find((n) => (dir > 0 ? n.Time > fromMs + 1e-6 : n.Time < fromMs - 1e-6));
  return found ?? list[0]!;
}
