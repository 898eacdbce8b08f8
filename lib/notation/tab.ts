// ASCII drum tab: the plain-text format drummers share on forums. One line per drum (CC, HH, RD,
// SD, T1, T2, FT, BD, HF), one character per grid step, bar lines between measures, a count line
// above. Each measure gets the coarsest grid that holds its notes (16ths at least; 8th triplets
// as three steps a beat), from the same quantised notation the MusicXML export writes.
import type { Beatmap } from "../beatmap/schema.ts";
import { STAFF_POSITION, type TabLine } from "./drum-kit.ts";
import { DIVISIONS, type NotatedMeasure, type NotatedNote, type NotationScore } from "./model.ts";
import { chartToNotation } from "./quantize.ts";

const LINE_ORDER: readonly TabLine[] = ["CC", "HH", "RD", "SD", "T1", "T2", "FT", "BD", "HF"];
const LINE_NAMES: Readonly<Record<TabLine, string>> = {
  CC: "Crash",
  HH: "Hi-hat",
  RD: "Ride",
  SD: "Snare",
  T1: "High tom",
  T2: "Mid tom",
  FT: "Floor tom",
  BD: "Bass drum",
  HF: "Hi-hat foot",
};
/** A line of tab stays under this many characters; measures wrap onto the next system. */
const MAX_WIDTH = 100;

const LEGEND = [
  "Legend: o hit, O accent, g ghost note, f flam (drums); x hit, X accent (cymbals);",
  "HH: o open, x closed; RD: b bell; CC: c china, s splash, # choked; SD: x cross-stick, r rimshot;",
  "HF: x hi-hat foot. A roll is written as a hit followed by ~ while it lasts.",
];

/** One character for a stroke. */
function mark(n: NotatedNote): string {
  const c = n.component;
  if (n.flam && !STAFF_POSITION[c].notehead.includes("x")) return "f";
  if (n.choke) return "#";
  switch (c) {
    case "hihat_open":
      return n.accent ? "O" : "o";
    case "ride_bell":
      return "b";
    case "china":
      return "c";
    case "splash":
      return "s";
    case "snare_cross_stick":
      return "x";
    case "snare_rimshot":
      return "r";
    case "hihat_pedal":
      return "x";
  }
  const cymbal = STAFF_POSITION[c].notehead === "x";
  if (n.ghost) return "g";
  if (cymbal) return n.accent ? "X" : "x";
  return n.accent ? "O" : "o";
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Grid step of a measure (divisions): 16ths unless its notes need finer or triplet steps. */
function stepOf(m: NotatedMeasure): number {
  let step = 0;
  for (const e of [...m.hands, ...m.feet]) if (e.notes.length > 0) step = gcd(step, e.position);
  step = gcd(step, m.length);
  // 16ths (6) as the coarsest grid; triplet measures count in 8th triplets (8) when they can.
  if (step % 6 === 0) return 6;
  if (step % 8 === 0) return 8;
  return step > 0 ? step : 6;
}

interface MeasureColumns {
  width: number;
  count: string;
  rows: Map<TabLine, string>;
  label: string;
}

const COUNT_16THS = ["", "e", "+", "a"];
const COUNT_8THS = ["", "+"];
const COUNT_TRIPLETS = ["", "t", "l"];

function renderMeasure(m: NotatedMeasure, lines: readonly TabLine[]): MeasureColumns {
  const step = stepOf(m);
  const width = Math.round(m.length / step);
  const rows = new Map<TabLine, string[]>(lines.map((l) => [l, Array<string>(width).fill("-")]));
  for (const e of [...m.hands, ...m.feet]) {
    const col = Math.round(e.position / step);
    if (col >= width) continue;
    if (e.tieStop) {
      for (const n of e.notes) {
        const row = rows.get(STAFF_POSITION[n.component].tabLine)!;
        for (let k = col; k < Math.min(width, col + Math.max(1, Math.round(e.duration / step))); k++)
          row[k] = "~";
      }
      continue;
    }
    for (const n of e.notes) {
      const row = rows.get(STAFF_POSITION[n.component].tabLine)!;
      if (row[col] === "-" || row[col] === "~") row[col] = mark(n);
      if (n.roll) {
        for (let k = col + 1; k < Math.min(width, col + Math.round(e.duration / step)); k++) row[k] = "~";
      }
    }
  }
  // Count quarter notes ("1 e + a"), or 8ths in x/8 meters ("1 + 2 +").
  const unit = m.timeSignature.denominator >= 8 ? (DIVISIONS * 4) / m.timeSignature.denominator : DIVISIONS;
  const perUnit = Math.max(1, Math.round(unit / step));
  const names =
    perUnit === 2 ? COUNT_8THS : perUnit === 3 ? COUNT_TRIPLETS : perUnit === 4 ? COUNT_16THS : undefined;
  const count = Array.from({ length: width }, (_, k) => {
    const inUnit = k % perUnit;
    if (inUnit === 0) return String((Math.floor(k / perUnit) % 9) + 1);
    return names?.[inUnit] ?? " ";
  }).join("");
  const label = [
    ...m.directions.flatMap((d) => [
      ...(d.bpm !== undefined ? [`${Number(d.bpm.toFixed(2))} BPM`] : []),
      ...(d.feel !== undefined ? [d.feel] : []),
    ]),
    ...(m.showTimeSignature ? [`${m.timeSignature.numerator}/${m.timeSignature.denominator}`] : []),
  ].join(" ");
  return { width, count, label, rows: new Map([...rows].map(([l, r]) => [l, r.join("")])) };
}

export function notationToTab(score: NotationScore): string {
  const used = new Set<TabLine>();
  for (const m of score.measures) {
    for (const e of [...m.hands, ...m.feet])
      for (const n of e.notes) used.add(STAFF_POSITION[n.component].tabLine);
  }
  const lines = LINE_ORDER.filter((l) => used.has(l));
  const out: string[] = [`${score.title}${score.artist ? ` - ${score.artist}` : ""}`];
  if (score.creator) out.push(`Transcribed by ${score.creator}`);
  out.push("");
  const rendered = score.measures.map((m) => renderMeasure(m, lines));
  let i = 0;
  while (i < rendered.length) {
    const system: MeasureColumns[] = [];
    let width = 3;
    while (i < rendered.length && (system.length === 0 || width + rendered[i]!.width + 1 <= MAX_WIDTH)) {
      width += rendered[i]!.width + 1;
      system.push(rendered[i++]!);
    }
    const firstNumber = score.measures[i - system.length]!.number;
    // Tempo / meter labels start over their measure and may run on over the next one.
    const labels = Array<string>(width).fill(" ");
    let col = 3;
    for (const c of system) {
      [...c.label].forEach((ch, k) => {
        if (col + k < labels.length) labels[col + k] = ch;
      });
      col += c.width + 1;
    }
    const labelLine = labels.join("").trimEnd();
    if (labelLine) out.push(labelLine);
    out.push(`${String(firstNumber).padEnd(3)}${system.map((c) => c.count).join(" ")}`.trimEnd());
    for (const l of lines) out.push(`${l} |${system.map((c) => c.rows.get(l)).join("|")}|`);
    out.push("");
  }
  out.push(...LEGEND);
  out.push(`Lines: ${lines.map((l) => `${l} ${LINE_NAMES[l]}`).join(", ")}.`);
  return `${out.join("\n")}\n`;
}

/** The chart as ASCII drum tab. */
export function chartToTab(beatmap: Beatmap): { data: string; warnings: string[] } {
  const score = chartToNotation(beatmap);
  return { data: notationToTab(score), warnings: score.warnings };
}
