"use client";
// Play / pause, the seek bar and the clock, and the count-in over the highway. The seek bar and
// the clock render the controller's playhead, which every frame of a run reads from the audio
// clock, so the thumb, the time shown and the sound agree.
import type { KeyboardEvent } from "react";
import { formatClock, type PracticeController, SEEK_STEP_MS } from "@/lib/practice/practice-controller.ts";
import { isRunning } from "@/lib/practice/transport-state.ts";
import { useValue } from "./use-value.ts";

/** Seek-bar keys: arrows by SEEK_STEP_MS, Page Up/Down by four steps, Home/End to the ends. */
function seekKey(controller: PracticeController, e: KeyboardEvent<HTMLInputElement>): void {
  const steps: Record<string, number> = {
    ArrowLeft: -1,
    ArrowDown: -1,
    ArrowRight: 1,
    ArrowUp: 1,
    PageDown: -4,
    PageUp: 4,
  };
  const step = steps[e.key];
  if (step !== undefined) controller.seekBy(step * SEEK_STEP_MS);
  else if (e.key === "Home") controller.seek(0);
  else if (e.key === "End") controller.seek(controller.transport.endMs);
  else return;
  // The range input's own step (1 ms) would move the thumb a millisecond.
  e.preventDefault();
}

export function TransportBar({ controller }: { controller: PracticeController }) {
  const { transport } = useValue(controller.view);
  const { positionMs } = useValue(controller.playhead);
  const running = isRunning(transport);
  const endMs = transport.endMs;
  return (
    <div className="player-transport">
      {running ? (
        <button type="button" onClick={() => controller.pause()} data-testid="pause">
          Pause <span className="muted">(Esc)</span>
        </button>
      ) : (
        <button type="button" onClick={() => void controller.play()} data-testid="play">
          {transport.loop ? "Play loop" : transport.positionMs > 0 ? "Resume" : "Play"}
        </button>
      )}
      {running ? (
        <button type="button" className="secondary" onClick={() => controller.finish()}>
          Finish and see results
        </button>
      ) : null}
      <button type="button" className="secondary" onClick={() => controller.seek(0)}>
        Back to start
      </button>
      <label className="seek">
        <span className="visually-hidden">Position</span>
        <input
          type="range"
          min={0}
          max={Math.max(1, Math.round(endMs))}
          step={1}
          value={Math.round(positionMs)}
          onChange={(e) => controller.seek(Number(e.target.value))}
          onKeyDown={(e) => seekKey(controller, e)}
          aria-valuetext={formatClock(positionMs)}
          aria-keyshortcuts="ArrowLeft ArrowRight Home End"
        />
      </label>
      <output data-testid="time">
        {formatClock(positionMs)} / {formatClock(endMs)}
      </output>
    </div>
  );
}

/** The count-in's beats, large over the highway, so the drummer sees where "1" lands. */
export function CountIn({ controller }: { controller: PracticeController }) {
  const { countIn } = useValue(controller.playhead);
  if (!countIn) return null;
  return (
    <div
      className="count-in"
      data-testid="count-in"
      role="timer"
      aria-label={`Count-in: ${countIn.beat} of ${countIn.of}`}
    >
      {countIn.beat}
    </div>
  );
}
