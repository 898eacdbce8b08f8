// The dense chart bench/highway.bench.ts draws: 16th hi-hats, kick and snare with ghosts and
// accents, a crash every 4 bars, a tom fill every 8, ride bells: ~27 notes a bar at 160 BPM.
import { COMPONENT_LANE, type Component, createBeatmap, type HitObject } from "../../lib/beatmap/index.ts";

export function denseChart(targetNotes: number) {
  const bpm = 160;
  const beat = 60_000 / bpm;
  const notes: HitObject[] = [];
  const add = (ms: number, c: Component, v: number) =>
    notes.push({ Time: Math.round(ms * 1000) / 1000, Component: c, Lane: COMPONENT_LANE[c], Velocity: v });
  for (let bar = 0; notes.length < targetNotes; bar++) {
    const t0 = 1000 + bar * 4 * beat;
    for (let s = 0; s < 16; s++)
      add(t0 + (s * beat) / 4, s % 4 === 0 ? "hihat_open" : "hihat_closed", s % 2 ? 0.5 : 0.8);
    for (const b of [0, 1.5, 2, 2.75]) add(t0 + b * beat, "kick", 0.9);
    for (const b of [1, 3]) add(t0 + b * beat, "snare", 1);
    for (const b of [1.75, 3.25, 3.75]) add(t0 + b * beat, "snare", 0.25);
    if (bar % 4 === 0) add(t0, "crash", 1);
    if (bar % 8 === 7)
      for (let s = 8; s < 16; s++) add(t0 + (s * beat) / 4, s < 12 ? "tom_high" : "tom_floor", 0.8);
    if (bar % 2 === 1) add(t0 + 2 * beat, "ride_bell", 0.7);
  }
  notes.sort((a, b) => a.Time - b.Time || a.Lane - b.Lane);
  const end = notes.at(-1)!.Time + 2000;
  return createBeatmap({
    Metadata: { Title: "Bench", Artist: "bench/highway", Creator: "bench", Tags: [] },
    Audio: { Filename: "", Duration: end },
    Timing: { Bpm: bpm, Offset: 1000, TimeSignature: "4/4", TimingPoints: [] },
    HitObjects: notes,
  });
}
