import { describe, expect, it } from "vitest";
import { chartToNotation } from "./quantize.ts";
import { at, describeMeasures, every, grooveBeatmap, TEST_GROOVES } from "./testing.ts";

const notate = (name: keyof typeof TEST_GROOVES) => chartToNotation(grooveBeatmap(TEST_GROOVES[name]!));

describe("chartToNotation: grooves with known notation", () => {
  it("rock 8ths: hi-hat 8ths over snare backbeats, kick in the feet voice", () => {
    const score = notate("rock");
    expect(describeMeasures(score.measures)).toEqual([
      "8:HH 8:HH 8:HH+SD> 8:HH 8:HH 8:HH 8:HH+SD> 8:HH | q:BD rq 8:BD 8:BD rq",
      "8:HH 8:HH 8:HH+SD> 8:HH 8:HH 8:HH 8:HH+SD> 8:HH | q:BD rq 8:BD 8:BD rq",
    ]);
    expect(score.measures[0]!.directions).toEqual([{ position: 0, bpm: 120 }]);
    expect(score.warnings).toEqual([]);
  });

  it("shuffle: swung 8ths are written as straight 8ths under a swing mark, not as triplets", () => {
    const score = notate("shuffle");
    expect(describeMeasures(score.measures)[0]).toBe(
      "8:HH 8:HH 8:HH+SD> 8:HH 8:HH 8:HH 8:HH+SD> 8:HH | q:BD r8 8:BD q:BD rq",
    );
    expect(score.measures[0]!.directions).toEqual([{ position: 0, bpm: 100, feel: "swing" }]);
    // The swung offbeat sounds on the third triplet (16 of 24 divisions) but is written as an 8th.
    const offbeat = score.measures[0]!.hands[1]!;
    expect(offbeat).toMatchObject({ position: 16, duration: 12, type: "eighth" });
    expect(offbeat.tuplet).toBeUndefined();
  });

  it("the same swung notes in a straight section are triplets", () => {
    const spec = { ...TEST_GROOVES.shuffle!, feel: undefined };
    const score = chartToNotation(grooveBeatmap(spec));
    expect(describeMeasures(score.measures)[0]!.split(" | ")[0]).toBe(
      "3[q:HH 8:HH] 3[q:HH+SD> 8:HH] 3[q:HH 8:HH] 3[q:HH+SD> 8:HH]",
    );
  });

  it("6/8: beats are dotted quarters of three 8ths; a 16th ghost splits one", () => {
    const score = notate("sixEight");
    expect(describeMeasures(score.measures)).toEqual([
      "8:RD 8:RD 16:RD 16:(SD) 8:RD+SD> 8:RD 8:RD | q.:BD rq 8:BD",
      "8:RD 8:RD 16:RD 16:(SD) 8:RD+SD> 8:RD 8:RD | q.:BD rq 8:BD",
    ]);
    expect(score.measures[0]!.timeSignature).toEqual({ numerator: 6, denominator: 8 });
    expect(score.measures[0]!.hands[0]!.beams).toEqual(["begin"]);
  });

  it("16th funk: ghost notes in parentheses, accents, dotted 8th + 16th kicks", () => {
    const score = notate("funk");
    expect(describeMeasures(score.measures)).toEqual([
      "16:HH 16:HH 16:HH 16:HH+(SD) 16:HH+SD> 16:HH 16:HH 16:HH+(SD) 16:HH 16:HH+(SD) 16:HH 16:HH 16:HH+SD> 16:HH 16:HH+(SD) 16:HH | 8.:BD 16:BD rq r8 16:BD 16:BD rq",
    ]);
    expect(score.measures[0]!.hands.slice(0, 4).map((e) => e.beams)).toEqual([
      ["begin", "begin"],
      ["continue", "continue"],
      ["continue", "continue"],
      ["end", "end"],
    ]);
  });

  it("a triplet tom fill is bracketed per beat and lands on a choked crash", () => {
    const score = notate("tripletFill");
    expect(describeMeasures(score.measures)).toEqual([
      "8:HH 8:HH 8:HH+SD> 8:HH 8:HH 8:HH 8:HH+SD> 8:HH | q:BD rq q:BD rq",
      "8:HH 8:HH 8:HH+SD> 8:HH 3[8:T1 8:T1 8:T2] 3[8:T2 8:FT 8:FT] | q:BD rq rh",
      "q:CC>! rq rh | q:BD> rq rh",
    ]);
    const triplet = score.measures[1]!.hands[4]!;
    expect(triplet).toMatchObject({ duration: 8, type: "eighth" });
    expect(triplet.tuplet).toEqual({ actual: 3, normal: 2, normalType: "eighth", start: true, stop: false });
  });

  it("flams, hi-hat foot, open / closed hi-hat marks, a roll tied across the bar line, chokes", () => {
    const score = notate("articulations");
    expect(describeMeasures(score.measures)).toEqual([
      "q:fSD q:HO q:HH q:SDz~ | rq r8 8:HF q:BD rq",
      "q:SDz q:RB> q:XS q:C2>! | R",
    ]);
    const hands = score.measures[0]!.hands;
    expect(hands[1]!.notes[0]!.hihatMark).toBe("open");
    expect(hands[2]!.notes[0]!.hihatMark).toBe("closed");
    expect(score.measures[1]!.hands[0]!.tieStop).toBe(true);
  });
});

describe("chartToNotation: readability", () => {
  it("reads jittered 16ths as 16ths, not 32nds or triplets", () => {
    const score = chartToNotation(
      grooveBeatmap({ title: "j", bpm: 90, jitterMs: 14, notes: every(0.25, 0, 4, "hihat_closed") }),
    );
    expect(describeMeasures(score.measures)[0]).toBe(`${Array(16).fill("16:HH").join(" ")} | R`);
  });

  it("writes a lone late 16th as a 16th, not as a triplet", () => {
    const score = chartToNotation(
      grooveBeatmap({ title: "late", bpm: 100, notes: [...at("kick", [0]), ...at("snare", [1.27])] }),
    );
    expect(describeMeasures(score.measures)[0]).toBe("rq r16 8.:SD rh | q:BD rq rh");
  });

  it("a note between the 16th and the triplet is a 16th in a straight section", () => {
    const score = chartToNotation(
      grooveBeatmap({ title: "between", bpm: 140, notes: [...at("kick", [0]), ...at("snare", [1.3])] }),
    );
    expect(describeMeasures(score.measures)[0]).toBe("rq r16 8.:SD rh | q:BD rq rh");
  });

  it("writes a lone note on the last triplet partial as a triplet", () => {
    const score = chartToNotation(
      grooveBeatmap({
        title: "trip",
        bpm: 100,
        notes: [...at("kick", [0]), ...at("snare", [1 + 2 / 3 + 0.01])],
      }),
    );
    expect(describeMeasures(score.measures)[0]).toBe("rq 3[rq 8:SD] rh | q:BD rq rh");
  });

  it("a note just before the bar line belongs to the next bar", () => {
    const b = grooveBeatmap({ title: "early", bpm: 120, notes: [...at("kick", [0, 3.98])] });
    expect(describeMeasures(chartToNotation(b).measures)).toEqual(["R | q:BD rq rh", "R | q:BD rq rh"]);
  });

  it("notes before the first beat make a pickup measure", () => {
    const b = grooveBeatmap({
      title: "pickup",
      bpm: 120,
      offsetMs: 1000,
      notes: [...at("snare", [-1, -0.5]), ...at("kick", [0])],
    });
    const score = chartToNotation(b);
    expect(score.measures[0]).toMatchObject({ number: 0, implicit: true, length: 24 });
    expect(describeMeasures(score.measures)[0]).toBe("8:SD 8:SD | R");
    expect(score.measures[1]!.number).toBe(1);
  });

  it("a meter change mid-bar cuts the bar short and marks tempo changes where they happen", () => {
    const b = grooveBeatmap({
      title: "change",
      bpm: 120,
      offsetMs: 0,
      timingPoints: [{ Time: 3000, Bpm: 90, TimeSignature: "3/4" }],
      notes: [...at("kick", [0, 4, 6])],
    });
    const score = chartToNotation(b);
    expect(score.measures.map((m) => `${m.timeSignature.numerator}/${m.timeSignature.denominator}`)).toEqual([
      "4/4",
      "2/4",
      "3/4",
    ]);
    expect(score.measures[2]!.directions).toEqual([{ position: 0, bpm: 90 }]);
  });
});
