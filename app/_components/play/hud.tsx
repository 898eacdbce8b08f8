"use client";
// Score, combo, accuracy and the last judgment over the highway. Its own little store, so a hit
// re-renders these few elements and not the whole player.
import { useSyncExternalStore } from "react";

export interface HudState {
  score: number;
  combo: number;
  accuracy: number;
  /** "perfect", "great · late 32 ms", "miss", or "". */
  last: string;
  pass: number;
}

export const EMPTY_HUD: HudState = { score: 0, combo: 0, accuracy: 1, last: "", pass: 0 };

export class HudStore {
  private state: HudState = EMPTY_HUD;
  private readonly listeners = new Set<() => void>();
  readonly subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  readonly get = () => this.state;
  set(next: HudState): void {
    const s = this.state;
    if (s.score === next.score && s.combo === next.combo && s.last === next.last && s.pass === next.pass)
      return;
    this.state = next;
    for (const fn of this.listeners) fn();
  }
}

export function Hud({ store, showPass }: { store: HudStore; showPass: boolean }) {
  const hud = useSyncExternalStore(store.subscribe, store.get, store.get);
  return (
    <div className="player-hud" data-testid="hud" aria-live="off">
      <div>
        <span className="muted">Score</span> <strong data-testid="hud-score">{hud.score}</strong>
      </div>
      <div>
        <span className="muted">Combo</span> <strong data-testid="hud-combo">{hud.combo}</strong>
      </div>
      <div>
        <span className="muted">Accuracy</span> <strong>{(hud.accuracy * 100).toFixed(1)} %</strong>
      </div>
      {showPass ? (
        <div>
          <span className="muted">Pass</span> <strong>{hud.pass + 1}</strong>
        </div>
      ) : null}
      <div className="hud-last" data-judgment={hud.last.split(" ")[0]} data-testid="hud-last">
        {hud.last}
      </div>
    </div>
  );
}
