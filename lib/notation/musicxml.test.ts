import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateMusicXml } from "../../test/musicxml-xsd.ts";
import { grooveChart } from "../beatmap/testing.ts";
import { chartToMusicXml, dynamicsToVelocity, exportMusicXml, velocityToDynamics } from "./musicxml.ts";
import { grooveBeatmap, TEST_GROOVES } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "musicxml-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = (xml: string, name: string) => validateMusicXml(xml, dir, name);

describe("chartToMusicXml", () => {
  for (const [name, spec] of Object.entries(TEST_GROOVES)) {
    it(`${name}: validates against the MusicXML 4.0 XSD`, () => {
      expect(() => validate(chartToMusicXml(grooveBeatmap(spec)), name)).not.toThrow();
    });
  }

  it("the generated rock groove with fills, ghosts and chokes validates too", () => {
    expect(() => validate(chartToMusicXml(grooveChart({ bars: 8 })), "groove")).not.toThrow();
  });

  it("an empty chart, and a chart without a tempo map, still make valid scores", () => {
    const empty = grooveBeatmap({ title: "Empty", bpm: 100, notes: [] });
    expect(() => validate(chartToMusicXml(empty), "empty")).not.toThrow();
    const { Timing: _, ...rest } = grooveBeatmap({ ...TEST_GROOVES.rock!, offsetMs: 0, jitterMs: 0 });
    const untimed = exportMusicXml({ ...rest });
    expect(untimed.warnings).toEqual([
      "The chart has no tempo map; the score assumes 120 BPM in 4/4 from 0 ms.",
    ]);
    expect(() => validate(untimed.data, "untimed")).not.toThrow();
  });

  it("xmllint does reject a score the schema forbids (the check can fail)", () => {
    const broken = chartToMusicXml(grooveBeatmap(TEST_GROOVES.rock!)).replace(
      "<voice>1</voice>",
      "<voice>1</voice><bogus/>",
    );
    expect(() => validate(broken, "broken")).toThrow(/bogus/);
  });

  it("writes a percussion part with a GM drum instrument per component", () => {
    const xml = chartToMusicXml(grooveBeatmap(TEST_GROOVES.rock!), {
      title: "My Groove",
      composer: "Someone",
    });
    expect(xml).toContain("<work-title>My Groove</work-title>");
    expect(xml).toContain('<creator type="composer">Someone</creator>');
    expect(xml).toContain("<sign>percussion</sign>");
    // Kick: GM key 36, which MusicXML counts from 1.
    expect(xml).toMatch(
      /<midi-instrument id="P1-kick">\s*<midi-channel>10<\/midi-channel>\s*<midi-unpitched>37<\/midi-unpitched>/,
    );
    expect(xml).toMatch(
      /<score-instrument id="P1-hihat_closed">\s*<instrument-name>Closed Hi-Hat<\/instrument-name>/,
    );
    // Hi-hat: G5 with an x notehead, stems up in voice 1; kick F4 stems down in voice 2.
    expect(xml).toMatch(
      /<display-step>G<\/display-step>\s*<display-octave>5<\/display-octave>\s*<\/unpitched>\s*<duration>12<\/duration>\s*<instrument id="P1-hihat_closed"\/>\s*<voice>1<\/voice>\s*<type>eighth<\/type>\s*<stem>up<\/stem>\s*<notehead>x<\/notehead>/,
    );
    expect(xml).toMatch(
      /<display-step>F<\/display-step>\s*<display-octave>4<\/display-octave>\s*<\/unpitched>\s*<duration>24<\/duration>\s*<instrument id="P1-kick"\/>\s*<voice>2<\/voice>\s*<type>quarter<\/type>\s*<stem>down<\/stem>/,
    );
    // Normal noteheads are written too: alphaTab draws none for a drum without one.
    expect(xml).toMatch(
      /<instrument id="P1-kick"\/>[\s\S]*?<stem>down<\/stem>\s*<notehead>normal<\/notehead>/,
    );
    // Rests of the feet voice sit low on the staff.
    expect(xml).toMatch(
      /<rest>\s*<display-step>F<\/display-step>\s*<display-octave>4<\/display-octave>\s*<\/rest>\s*<duration>24<\/duration>\s*<voice>2<\/voice>/,
    );
    expect(xml).toContain('<sound tempo="120"/>');
    expect(xml).toContain("<per-minute>120</per-minute>");
  });

  it("writes swing as a mark with swing playback, tempo as quarter notes in 6/8 too", () => {
    const shuffle = chartToMusicXml(grooveBeatmap(TEST_GROOVES.shuffle!));
    expect(shuffle).toContain("<words>Swing</words>");
    expect(shuffle).toMatch(
      /<swing>\s*<first>2<\/first>\s*<second>1<\/second>\s*<swing-type>eighth<\/swing-type>/,
    );
    const sixEight = chartToMusicXml(grooveBeatmap(TEST_GROOVES.sixEight!));
    expect(sixEight).toMatch(/<beat-unit>quarter<\/beat-unit>\s*<per-minute>150<\/per-minute>/);
    expect(sixEight).toContain('<sound tempo="150"/>');
  });

  it("marks ghosts, accents, flams, hi-hat opening and closing, rolls and chokes", () => {
    const funk = chartToMusicXml(grooveBeatmap(TEST_GROOVES.funk!));
    expect(funk).toContain('<notehead parentheses="yes">normal</notehead>');
    expect(funk).toContain("<accent/>");
    const xml = chartToMusicXml(grooveBeatmap(TEST_GROOVES.articulations!));
    expect(xml).toMatch(/<grace slash="yes"\/>\s*<unpitched>\s*<display-step>C<\/display-step>/);
    expect(xml).toContain("<open/>");
    expect(xml).toMatch(/<technical>\s*<stopped\/>/);
    expect(xml).toContain('<stopped smufl="pictChokeCymbal"/>');
    expect(xml).toContain('<tremolo type="single">3</tremolo>');
    expect(xml).toContain('<tied type="start"/>');
    expect(xml).toContain('<tied type="stop"/>');
    expect(xml).toContain("<notehead>diamond</notehead>");
  });

  it("writes the velocity as note dynamics that read back to the same velocity", () => {
    for (const v of [0, 0.25, 0.7, 0.85, 1])
      expect(dynamicsToVelocity(velocityToDynamics(v))).toBeCloseTo(v, 4);
  });

  it("escapes metadata", () => {
    const b = grooveBeatmap({ ...TEST_GROOVES.rock!, title: 'Rock & "Roll" <live>' });
    const xml = chartToMusicXml(b);
    expect(xml).toContain('<work-title>Rock &amp; "Roll" &lt;live&gt;</work-title>');
    expect(() => validate(xml, "escaped")).not.toThrow();
  });
});
