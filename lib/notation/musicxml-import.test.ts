import { describe, expect, it } from "vitest";
import { BeatmapError } from "../beatmap/errors.ts";
import type { Beatmap } from "../beatmap/schema.ts";
import { TempoMap } from "../beatmap/tempo.ts";
import { chartToMusicXml } from "./musicxml.ts";
import { importMusicXml } from "./musicxml-import.ts";
import { at, type GrooveSpec, grooveBeatmap, TEST_GROOVES } from "./testing.ts";

/** Notes as (component, beat on the chart's own grid), in time order. */
function beats(b: Beatmap) {
  const tempo = TempoMap.fromTiming(b.Timing);
  return b.HitObjects.map((n) => ({ ...n, beat: tempo.msToBeat(n.Time) }));
}

function expectRoundTrip(spec: GrooveSpec) {
  const original = grooveBeatmap(spec);
  const { beatmap: back, warnings } = importMusicXml(chartToMusicXml(original));
  expect(warnings).toEqual([]);
  expect(back.HitObjects).toHaveLength(original.HitObjects.length);
  const before = beats(original);
  const after = beats(back);
  for (const n of before) {
    // The same drum within the jitter of where it was played, and exactly on a grid point.
    const match = after.find((m) => m.Component === n.Component && Math.abs(m.beat - n.beat) < 0.06);
    expect(match, `${n.Component} at beat ${n.beat.toFixed(3)}`).toBeDefined();
    expect(match!.Lane).toBe(n.Lane);
    expect(Math.abs(match!.beat * 24 - Math.round(match!.beat * 24))).toBeLessThan(1e-3);
    expect(match!.Velocity).toBeCloseTo(n.Velocity, 3);
    expect(match!.Flam ?? false).toBe(n.Flam ?? false);
    expect(match!.Choke ?? false).toBe(n.Choke ?? false);
    if (n.Duration) expect(match!.Duration).toBeCloseTo(n.Duration, 0);
  }
  return { original, back };
}

describe("importMusicXml: .bsm → .musicxml → .bsm", () => {
  for (const [name, spec] of Object.entries(TEST_GROOVES)) {
    it(`${name}: keeps every note's drum, beat (on the grid), velocity and marks`, () => {
      const { original, back } = expectRoundTrip(spec);
      expect(back.Timing).toEqual(original.Timing);
      expect(back.Metadata).toMatchObject({
        Title: spec.title,
        Artist: "BeatSight tests",
        Creator: "notation tests",
      });
    });
  }

  it("a second round trip changes nothing (the notation is a fixed point)", () => {
    for (const spec of Object.values(TEST_GROOVES)) {
      const once = importMusicXml(chartToMusicXml(grooveBeatmap(spec))).beatmap;
      const twice = importMusicXml(chartToMusicXml(once)).beatmap;
      expect(twice.HitObjects).toEqual(once.HitObjects);
    }
  });

  it("keeps tempo, meter and feel changes, and a pickup before the first beat", () => {
    const spec: GrooveSpec = {
      title: "Sections",
      bpm: 120,
      offsetMs: 1000,
      timingPoints: [
        { Time: 1000 + 4 * 500, Bpm: 90, TimeSignature: "7/8" },
        { Time: 1000 + 4 * 500 + (3.5 * 60_000) / 90, Bpm: 140, TimeSignature: "4/4", Feel: "swing" },
      ],
      notes: [
        ...at("snare", [-1, -0.5]),
        ...at("kick", [0, 2]),
        ...at("hihat_closed", [4, 4.5, 5, 5.5, 6, 6.5, 7]),
        // The swing section's bar starts at beat 7.5 (after the 7/8 bar): swung 8ths from there.
        ...at(
          "hihat_closed",
          [0, 2 / 3, 1, 1 + 2 / 3, 2].map((b) => 7.5 + b),
        ),
      ],
    };
    const { original, back } = expectRoundTrip(spec);
    expect(back.Timing?.Offset).toBeCloseTo(original.Timing!.Offset, 3);
    expect(back.Timing?.TimingPoints).toEqual([
      { Time: 3000, Bpm: 90, TimeSignature: "7/8" },
      { Time: expect.closeTo(3000 + (3.5 * 60_000) / 90, 2), Bpm: 140, TimeSignature: "4/4", Feel: "swing" },
    ]);
  });
});

const MUSESCORE_LIKE = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">
<score-partwise version="4.0">
  <work><work-title>Basic Beat</work-title></work>
  <identification><creator type="composer">A Drummer</creator></identification>
  <part-list>
    <score-part id="P1">
      <part-name>Piano</part-name>
      <score-instrument id="P1-I1"><instrument-name>Piano</instrument-name></score-instrument>
    </score-part>
    <score-part id="P2">
      <part-name>Drumset</part-name>
      <score-instrument id="P2-I36"><instrument-name>Acoustic Bass Drum</instrument-name></score-instrument>
      <score-instrument id="P2-I39"><instrument-name>Acoustic Snare</instrument-name></score-instrument>
      <score-instrument id="P2-I43"><instrument-name>Closed Hi-Hat</instrument-name></score-instrument>
      <score-instrument id="P2-I99"><instrument-name>Cowbell</instrument-name></score-instrument>
      <midi-instrument id="P2-I36"><midi-channel>10</midi-channel><midi-unpitched>36</midi-unpitched></midi-instrument>
      <midi-instrument id="P2-I39"><midi-channel>10</midi-channel><midi-unpitched>39</midi-unpitched></midi-instrument>
      <midi-instrument id="P2-I43"><midi-channel>10</midi-channel><midi-unpitched>43</midi-unpitched></midi-instrument>
      <midi-instrument id="P2-I99"><midi-channel>10</midi-channel><midi-unpitched>57</midi-unpitched></midi-instrument>
    </score-part>
  </part-list>
  <part id="P1">
    <measure number="1"><attributes><divisions>1</divisions></attributes>
      <note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration><type>whole</type></note>
    </measure>
  </part>
  <part id="P2">
    <measure number="1">
      <attributes><divisions>2</divisions><time><beats>4</beats><beat-type>4</beat-type></time><clef><sign>percussion</sign></clef></attributes>
      <direction placement="above"><direction-type><metronome><beat-unit>quarter</beat-unit><per-minute>100</per-minute></metronome></direction-type><sound tempo="100"/></direction>
      <note><unpitched><display-step>G</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I43"/><voice>1</voice><type>eighth</type><notehead>x</notehead></note>
      <note><unpitched><display-step>G</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I43"/><voice>1</voice><type>eighth</type><notehead>x</notehead></note>
      <note><grace slash="yes"/><unpitched><display-step>C</display-step><display-octave>5</display-octave></unpitched><instrument id="P2-I39"/><voice>1</voice><type>16th</type></note>
      <note><unpitched><display-step>G</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I43"/><voice>1</voice><type>eighth</type><notehead>x</notehead></note>
      <note><chord/><unpitched><display-step>C</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I39"/><voice>1</voice><type>eighth</type><notations><articulations><accent/></articulations></notations></note>
      <note><unpitched><display-step>C</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I39"/><voice>1</voice><type>eighth</type><notehead parentheses="yes">normal</notehead></note>
      <note><unpitched><display-step>E</display-step><display-octave>5</display-octave></unpitched><duration>1</duration><instrument id="P2-I99"/><voice>1</voice><type>eighth</type></note>
      <note><rest/><duration>3</duration><voice>1</voice><type>quarter</type><dot/></note>
      <backup><duration>8</duration></backup>
      <note><unpitched><display-step>F</display-step><display-octave>4</display-octave></unpitched><duration>4</duration><instrument id="P2-I36"/><voice>2</voice><type>half</type></note>
      <note><unpitched><display-step>F</display-step><display-octave>4</display-octave></unpitched><duration>4</duration><instrument id="P2-I36"/><voice>2</voice><type>half</type></note>
    </measure>
  </part>
</score-partwise>`;

describe("importMusicXml: scores from notation programs", () => {
  it("reads the drum part by General MIDI keys, with flams, accents and ghost notes", () => {
    const { beatmap, warnings } = importMusicXml(MUSESCORE_LIKE);
    expect(beatmap.Metadata).toMatchObject({ Title: "Basic Beat", Artist: "A Drummer" });
    expect(beatmap.Timing).toMatchObject({ Bpm: 100, Offset: 0, TimeSignature: "4/4", TimingPoints: [] });
    expect(beatmap.HitObjects.map((n) => [n.Time, n.Component, n.Velocity, n.Flam ?? false])).toEqual([
      [0, "hihat_closed", 0.7, false],
      [0, "kick", 0.7, false],
      [300, "hihat_closed", 0.7, false],
      [600, "hihat_closed", 0.7, false],
      [600, "snare", 1, true],
      [900, "snare", 0.3, false],
      [1200, "kick", 0.7, false],
    ]);
    expect(warnings).toEqual(["Skipped notes of instruments this app has no drum for: Cowbell (1)."]);
  });

  it("says what is wrong with files it cannot read", () => {
    const error = (input: string) => {
      try {
        importMusicXml(input);
      } catch (e) {
        expect(e).toBeInstanceOf(BeatmapError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(error("not xml at all")).toMatch(/not well-formed XML: Text outside the root element/);
    expect(error("<score-partwise><part></score-partwise>")).toMatch(/does not close <part>/);
    expect(error("<html><body/></html>")).toMatch(/not a MusicXML score .*<html>/);
    expect(error("<score-timewise/>")).toMatch(/timewise/);
    expect(error(MUSESCORE_LIKE.replace(/<part id="P2">[\s\S]*<\/part>/, ""))).toMatch(/no drum part/);
    expect(error('<!DOCTYPE x [<!ENTITY e "boom">]><score-partwise>&e;</score-partwise>')).toMatch(
      /Unknown entity &e;/,
    );
  });
});

describe("importMusicXml: the MusicXML tutorial's percussion example", () => {
  it("reads the drum kit part (bass clef, GM keys) and names the part it skipped", async () => {
    const { readFileSync } = await import("node:fs");
    const bytes = readFileSync(new URL("./fixtures/tutorial-percussion.musicxml", import.meta.url));
    const { beatmap, warnings } = importMusicXml(new Uint8Array(bytes), { title: "tutorial" });
    expect(warnings).toEqual(['The score has several percussion parts; only "Drums" was read.']);
    expect(beatmap.Metadata.Title).toBe("tutorial");
    expect(beatmap.Timing).toMatchObject({ Bpm: 120, Offset: 0, TimeSignature: "4/4" });
    const at = (component: string) =>
      beatmap.HitObjects.filter((n) => n.Component === component).map((n) => n.Time / 500);
    expect(at("crash")).toEqual([0]);
    expect(at("snare")).toEqual([1, 3, 5, 7]);
    expect(at("kick")).toEqual([0, 2, 2.5, 3.5, 4, 6, 6.5, 7.5]);
    expect(at("hihat_closed")).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5]);
  });
});
