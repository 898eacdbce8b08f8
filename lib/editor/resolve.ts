// When the map moved on while someone was editing: rebase their edit onto the newest version
// (automatic when the two touch different notes, lib/beatmap/diff.ts), and where both changed the
// same note, let them choose per conflict: keep mine or take theirs.
import {
  type ChartDiff,
  DIFF_SECTIONS,
  type DiffConflict,
  type DiffSection,
  diffCharts,
  rebaseDiff,
} from "../beatmap/diff.ts";
import type { Beatmap, HitObject } from "../beatmap/index.ts";

export type ConflictChoice = "mine" | "theirs";

export type RebaseOutcome = { ok: true; chart: Beatmap } | { ok: false; conflicts: DiffConflict[] };

/** My edit (base → mine) replayed on `latest`. */
export function rebaseEdit(base: Beatmap, mine: Beatmap, latest: Beatmap): RebaseOutcome {
  const r = rebaseDiff(diffCharts(base, mine), base, latest);
  return r.ok ? { ok: true, chart: r.chart } : { ok: false, conflicts: r.conflicts };
}

const key = (n: HitObject) =>
  JSON.stringify([
    Math.round(n.Time * 1000),
    n.Component,
    n.Lane,
    n.Velocity,
    n.Duration ?? null,
    n.Confidence ?? null,
    n.Flam ?? false,
    n.Choke ?? false,
  ]);

const isNote = (v: unknown): v is HitObject =>
  typeof v === "object" && v !== null && "Time" in v && "Component" in v && "Lane" in v;

function withoutConflicting(diff: ChartDiff, conflicts: readonly DiffConflict[]): ChartDiff {
  const fromKeys = new Set<string>();
  const addedKeys = new Set<string>();
  const sections = new Set<DiffSection>();
  for (const c of conflicts) {
    if (c.kind === "section" && c.section) sections.add(c.section);
    if (c.kind !== "note" || !("from" in c.ours)) continue;
    if (c.ours.from) fromKeys.add(key(c.ours.from));
    else if (c.ours.to) addedKeys.add(key(c.ours.to));
  }
  return {
    ...diff,
    added: diff.added.filter((n) => !addedKeys.has(key(n))),
    removed: diff.removed.filter((n) => !fromKeys.has(key(n))),
    moved: diff.moved.filter((m) => !fromKeys.has(key(m.from))),
    changed: diff.changed.filter((m) => !fromKeys.has(key(m.from))),
    sections: Object.fromEntries(
      DIFF_SECTIONS.filter((s) => diff.sections[s] && !sections.has(s)).map((s) => [s, diff.sections[s]]),
    ),
  };
}

/**
 * The chart after rebasing `mine` onto `latest` with a choice for every conflict (same order as
 * `rebaseEdit` lists them). "theirs" drops my change there; "mine" puts my version of that note
 * (or section) over theirs.
 */
export function resolveConflicts(
  base: Beatmap,
  mine: Beatmap,
  latest: Beatmap,
  choices: readonly ConflictChoice[],
): Beatmap {
  const diff = diffCharts(base, mine);
  const first = rebaseDiff(diff, base, latest);
  if (first.ok) return first.chart;
  const conflicts = first.conflicts;
  if (choices.length !== conflicts.length) {
    throw new Error(`Choose keep mine or take theirs for each of the ${conflicts.length} conflicts.`);
  }
  const clean = rebaseDiff(withoutConflicting(diff, conflicts), base, latest);
  if (!clean.ok) throw new Error(`Some changes still do not fit: ${clean.conflicts[0]?.message ?? ""}`);
  const chart: Beatmap = structuredClone(clean.chart);
  const notes = [...chart.HitObjects];
  conflicts.forEach((c, i) => {
    if (choices[i] !== "mine") return;
    if (c.kind === "section" && c.section && "after" in c.ours) {
      (chart as Record<DiffSection, unknown>)[c.section] = structuredClone(c.ours.after ?? undefined);
      return;
    }
    if (!("from" in c.ours)) return;
    if (isNote(c.theirs)) {
      const k = key(c.theirs);
      const at = notes.findIndex((n) => key(n) === k);
      if (at >= 0) notes.splice(at, 1);
    }
    if (c.ours.to) notes.push(c.ours.to);
  });
  chart.HitObjects = notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  return chart;
}

const noteText = (n: HitObject) =>
  `${n.Component.replace(/_/g, " ")} at ${(n.Time / 1000).toFixed(3)} s (velocity ${n.Velocity.toFixed(2)})`;

/** A conflict in words: where, what I did, what the newest version has there. */
export function describeConflict(c: DiffConflict): { where: string; mine: string; theirs: string } {
  if (c.kind === "section" || !("from" in c.ours)) {
    return {
      where: `The ${c.section ?? "chart"} settings`,
      mine: "your version of these settings",
      theirs: "the newest version's settings",
    };
  }
  const { from, to } = c.ours;
  const where = c.timeMs !== undefined ? `${(c.timeMs / 1000).toFixed(3)} s` : "a note";
  const mine = !to
    ? `you removed the ${noteText(from!)}`
    : !from
      ? `you added a ${noteText(to)}`
      : `you made it a ${noteText(to)}`;
  const theirs = isNote(c.theirs)
    ? `the newest version has a ${noteText(c.theirs)}`
    : "the newest version removed it";
  return { where, mine, theirs };
}
