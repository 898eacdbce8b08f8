"use client";
// A glance at the generated chart: the song's waveform envelope with every note drawn on its lane,
// so a drummer can see at once whether the grooves, fills and crashes landed where the song has them.
import { useEffect, useRef } from "react";
import { type Beatmap, LANE_NAMES } from "@/lib/beatmap/index.ts";

const LANE_VARS = [
  "--lane-crash",
  "--lane-hihat",
  "--lane-snare",
  "--lane-kick",
  "--lane-tom",
  "--lane-ride",
  "--lane-splash",
];

/** Peak amplitude per bucket, computed before the audio is transferred to the Worker. */
export function waveformEnvelope(samples: Float32Array, buckets = 1200): Float32Array {
  const out = new Float32Array(buckets);
  const per = Math.max(1, Math.floor(samples.length / buckets));
  for (let b = 0; b < buckets; b++) {
    let peak = 0;
    for (let i = b * per; i < Math.min(samples.length, (b + 1) * per); i++)
      peak = Math.max(peak, Math.abs(samples[i]!));
    out[b] = peak;
  }
  return out;
}

export function ChartPreview({
  beatmap,
  envelope,
  durationMs,
}: {
  beatmap: Beatmap;
  envelope: Float32Array;
  durationMs: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const width = el.clientWidth;
    const height = el.clientHeight;
    el.width = Math.round(width * dpr);
    el.height = Math.round(height * dpr);
    ctx.scale(dpr, dpr);
    const style = getComputedStyle(el);
    ctx.clearRect(0, 0, width, height);
    const waveH = height * 0.3;
    ctx.fillStyle = style.getPropertyValue("--muted") || "#888";
    for (let x = 0; x < width; x++) {
      const v = envelope[Math.floor((x / width) * envelope.length)] ?? 0;
      ctx.fillRect(x, waveH / 2 - (v * waveH) / 2, 1, Math.max(1, v * waveH));
    }
    const laneH = (height - waveH) / LANE_NAMES.length;
    for (const note of beatmap.HitObjects) {
      const x = (note.Time / durationMs) * width;
      const y = waveH + note.Lane * laneH;
      ctx.globalAlpha = 0.35 + 0.65 * note.Velocity;
      ctx.fillStyle = style.getPropertyValue(LANE_VARS[note.Lane] ?? "--text") || "#fff";
      ctx.fillRect(x, y + 1, 2, laneH - 2);
    }
    ctx.globalAlpha = 1;
  }, [beatmap, envelope, durationMs]);
  return (
    <canvas
      ref={canvas}
      className="chart-preview"
      role="img"
      aria-label={`Preview of ${beatmap.HitObjects.length} notes over the song's waveform`}
    />
  );
}
