import { describe, expect, it } from "vitest";
import { chartToTab } from "./tab.ts";
import { grooveBeatmap, TEST_GROOVES } from "./testing.ts";

const tab = (name: string) => chartToTab(grooveBeatmap(TEST_GROOVES[name]!)).data;
/** The system lines (count + drums) of a tab, without title and legend. */
const body = (text: string) => text.split("\n").filter((l) => /^(\d|[A-Z][A-Z0-9] \|)/.test(l));

describe("chartToTab", () => {
  it("rock: 16th columns, hi-hat x, accented snare O, kick o, bar lines", () => {
    expect(body(tab("rock"))).toEqual([
      "1  1e+a2e+a3e+a4e+a 1e+a2e+a3e+a4e+a",
      "HH |x-x-x-x-x-x-x-x-|x-x-x-x-x-x-x-x-|",
      "SD |----O-------O---|----O-------O---|",
      "BD |o-------o-o-----|o-------o-o-----|",
    ]);
    expect(tab("rock")).toMatch(/^Rock 8ths - BeatSight tests\n/);
    expect(tab("rock")).toContain("   120 BPM 4/4");
  });

  it("shuffle: counted in triplets, swung 8ths on the third triplet", () => {
    expect(body(tab("shuffle")).slice(0, 2)).toEqual([
      "1  1tl2tl3tl4tl 1tl2tl3tl4tl",
      "HH |x-xx-xx-xx-x|x-xx-xx-xx-x|",
    ]);
    expect(tab("shuffle")).toContain("100 BPM swing 4/4");
  });

  it("6/8: counted in 8ths, ghost notes as g", () => {
    expect(body(tab("sixEight"))).toEqual([
      "1  1+2+3+4+5+6+ 1+2+3+4+5+6+",
      "RD |x-x-x-x-x-x-|x-x-x-x-x-x-|",
      "SD |-----gO-----|-----gO-----|",
      "BD |o---------o-|o---------o-|",
    ]);
  });

  it("flams, open hi-hat, hi-hat foot, rolls, bell, cross-stick and chokes", () => {
    expect(body(tab("articulations"))).toEqual([
      "1  1e+a2e+a3e+a4e+a 1e+a2e+a3e+a4e+a",
      "CC |----------------|------------#---|",
      "HH |----o---x-------|----------------|",
      "RD |----------------|----b-----------|",
      "SD |f-----------o~~~|~~~~----x-------|",
      "BD |--------o-------|----------------|",
      "HF |------x---------|----------------|",
    ]);
  });

  it("a bar with triplets gets a grid fine enough for them", () => {
    const lines = body(tab("tripletFill"));
    expect(lines[0]).toBe("1  1e+a2e+a3e+a4e+a 1     2     3     4      1e+a2e+a3e+a4e+a");
    expect(lines.find((l) => l.startsWith("T1"))).toBe(
      "T1 |----------------|------------o-o---------|----------------|",
    );
  });
});
