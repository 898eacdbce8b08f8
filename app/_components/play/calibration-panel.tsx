"use client";
// Latency calibration: tap any lane key (or the button) to 12 clicks; the median offset from the
// clicks is subtracted from every hit on this device. The visual offset moves the highway for
// screens that show frames later than the sound.
import { useCallback, useRef, useState } from "react";
import { type Calibration, estimateOffset } from "@/lib/practice/calibration.ts";
import { ctxAtPerf, sampleClock } from "@/lib/practice/clock.ts";
import type { KeyMap } from "@/lib/practice/keymap.ts";
import { saveCalibration } from "./practice-settings.ts";

const PERIOD_S = 0.6;
const CLICKS = 12;

export function CalibrationPanel(props: {
  ctx: AudioContext;
  calibration: Calibration;
  onChange: (c: Calibration) => void;
  disabled: boolean;
  keymap: KeyMap;
}) {
  const { ctx, calibration, onChange, disabled, keymap } = props;
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState("");
  const taps = useRef<number[]>([]);

  const tapAt = useCallback(
    (perf: number) => {
      taps.current.push(ctxAtPerf(sampleClock(ctx, performance.now()), perf) * 1000);
    },
    [ctx],
  );

  const start = useCallback(async () => {
    if (ctx.state !== "running") await ctx.resume();
    taps.current = [];
    setRunning(true);
    setMessage("Tap along with the clicks…");
    const t0 = ctx.currentTime + 0.5;
    const clicks: number[] = [];
    for (let i = 0; i < CLICKS; i++) {
      const t = t0 + i * PERIOD_S;
      const osc = new OscillatorNode(ctx, { frequency: i % 4 === 0 ? 1760 : 1320 });
      const gain = new GainNode(ctx, { gain: 0 });
      gain.gain.setValueAtTime(0.6, t);
      gain.gain.exponentialRampToValueAtTime(0.001, t + 0.05);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.06);
      clicks.push(t * 1000);
    }
    const codes = new Set(keymap.flat());
    const onKey = (e: KeyboardEvent) => {
      if (!codes.has(e.code) || e.repeat) return;
      e.preventDefault();
      tapAt(e.timeStamp);
    };
    window.addEventListener("keydown", onKey, { capture: true });
    await new Promise((r) => setTimeout(r, (0.5 + CLICKS * PERIOD_S + 0.3) * 1000));
    window.removeEventListener("keydown", onKey, { capture: true });
    setRunning(false);
    const result = estimateOffset(taps.current, clicks, PERIOD_S * 1000);
    if (!result) {
      setMessage("Too few taps landed near the clicks. Try again, tapping on every click.");
      return;
    }
    const next = { ...calibration, inputOffsetMs: Math.round(result.offsetMs) };
    onChange(next);
    void saveCalibration(next);
    setMessage(
      `Your hits register ${Math.abs(next.inputOffsetMs)} ms ${next.inputOffsetMs >= 0 ? "late" : "early"} (spread ±${Math.round(result.spreadMs)} ms); saved for this device.`,
    );
  }, [ctx, calibration, onChange, keymap, tapAt]);

  return (
    <details className="calibration">
      <summary>Latency calibration</summary>
      <p className="muted">
        Input offset {calibration.inputOffsetMs} ms · visual offset {calibration.visualOffsetMs} ms
      </p>
      <button type="button" className="secondary" disabled={disabled || running} onClick={() => void start()}>
        {running ? "Listening…" : "Calibrate input: tap to 12 clicks"}
      </button>
      {running ? (
        <button type="button" className="secondary" onPointerDown={(e) => tapAt(e.timeStamp)}>
          Tap
        </button>
      ) : null}
      <p role="status" aria-live="polite">
        {message}
      </p>
      <label>
        Visual offset (ms){" "}
        <input
          type="range"
          min={-150}
          max={150}
          step={5}
          value={calibration.visualOffsetMs}
          disabled={disabled}
          onChange={(e) => {
            const next = { ...calibration, visualOffsetMs: Number(e.target.value) };
            onChange(next);
            void saveCalibration(next);
          }}
        />{" "}
        {calibration.visualOffsetMs}
      </label>
    </details>
  );
}
