import { describe, expect, it } from "vitest";
import { grooveChart } from "../beatmap/testing.ts";
import { createDoc } from "./document.ts";
import {
  follow,
  hitTest,
  laneAt,
  laneY,
  msToX,
  type Viewport,
  visibleRange,
  xToMs,
  zoom,
} from "./viewport.ts";

const vp: Viewport = { startMs: 0, pxPerMs: 0.2, width: 400, height: 172, rulerHeight: 32 };

describe("timeline geometry", () => {
  it("converts between time and x, lanes and y", () => {
    expect(msToX(vp, 500)).toBe(100);
    expect(xToMs(vp, 100)).toBe(500);
    expect(laneAt(vp, 10)).toBeNull();
    expect(laneAt(vp, laneY(vp, 3))).toBe(3);
    expect(laneAt(vp, 10_000)).toBe(6);
  });

  it("hit-tests the note under the pointer and culls to the view", () => {
    const d = createDoc(grooveChart({ bars: 4 }));
    const kick = d.notes.find((n) => n.Lane === 3 && n.Time === 1500)!;
    expect(hitTest(d.notes, vp, msToX(vp, 1500) + 2, laneY(vp, 3))?.id).toBe(kick.id);
    expect(hitTest(d.notes, vp, msToX(vp, 1300), laneY(vp, 3))).toBeNull();
    const [from, to] = visibleRange(d.notes, vp);
    expect(d.notes.slice(from, to).every((n) => n.Time <= 2000 + 60)).toBe(true);
    expect(to).toBeLessThan(d.notes.length);
  });

  it("pages to follow the playhead and zooms around the pointer", () => {
    expect(follow(vp, 1000)).toBe(0);
    expect(follow(vp, 1900)).toBe(1900 - 300);
    const z = zoom(vp, 2, 100);
    expect(z.pxPerMs).toBe(0.4);
    expect(xToMs(z, 100)).toBeCloseTo(500, 6);
  });
});
