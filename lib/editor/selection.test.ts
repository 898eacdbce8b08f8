import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { createDoc } from "./document.ts";
import {
  clearSelection,
  isUnsure,
  nextUnsure,
  notesInBox,
  select,
  selectAll,
  unsureCount,
} from "./selection.ts";

function unsureDoc() {
  const chart = grooveChart({ bars: 2 });
  // Three unsure notes at different times, one at the same time as another unsure one.
  const marks = [2, 5, 6, 20];
  marks.forEach((i) => {
    chart.HitObjects[i]!.Confidence = 0.2;
  });
  chart.HitObjects[1]!.Confidence = 0.9;
  return createDoc(chart);
}

describe("selection", () => {
  it("replaces, adds, toggles, selects all and clears", () => {
    const d = createDoc(grooveChart({ bars: 1 }));
    const [a, b] = d.notes;
    let s = select(d, [a!.id]);
    s = select(s, [b!.id], "add");
    expect([...s.selection]).toEqual([a!.id, b!.id]);
    s = select(s, [a!.id], "toggle");
    expect([...s.selection]).toEqual([b!.id]);
    expect(selectAll(s).selection.size).toBe(d.notes.length);
    expect(clearSelection(s).selection.size).toBe(0);
  });

  it("box-selects by time and lane in either drag direction", () => {
    const d = createDoc(grooveChart({ bars: 1 }));
    const ids = notesInBox(d.notes, { fromMs: 1600, toMs: 400, fromLane: 3, toLane: 2 });
    const picked = d.notes.filter((n) => ids.includes(n.id));
    expect(picked.every((n) => n.Time >= 400 && n.Time <= 1600 && (n.Lane === 2 || n.Lane === 3))).toBe(true);
    expect(picked.map((n) => n.Component).sort()).toEqual(["kick", "kick", "snare", "snare"]);
  });
});

describe("unsure notes", () => {
  it("counts, walks forward and back with wrap-around, and skips confirmed ones", () => {
    const d = unsureDoc();
    expect(unsureCount(d)).toBe(4);
    const first = nextUnsure(d, -1)!;
    expect(first.Confidence).toBe(0.2);
    const second = nextUnsure(d, first.Time, 1, first.id)!;
    expect(second.id).not.toBe(first.id);
    const last = nextUnsure(d, 0, -1)!;
    expect(last.Time).toBe(Math.max(...d.notes.filter(isUnsure).map((n) => n.Time)));
    const confirmed = {
      ...d,
      notes: d.notes.map((n) => (n.id === first.id ? { ...n, confirmed: true } : n)),
    };
    expect(unsureCount(confirmed)).toBe(3);
    expect(nextUnsure(confirmed, -1)!.id).not.toBe(first.id);
    expect(nextUnsure(createDoc(grooveChart()), 0)).toBeNull();
  });
});
