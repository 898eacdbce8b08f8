"use client";
// Score, combo, accuracy and the last judgment over the highway. It reads the controller's HUD
// store, so a hit re-renders these few elements and not the whole player.
import type { HudState } from "@/lib/practice/practice-controller.ts";
import type { ValueStore } from "@/lib/practice/value-store.ts";
import { useValue } from "./use-value.ts";

export function Hud({ store, showPass }: { store: ValueStore<HudState>; showPass: boolean }) {
  const hud = useValue(store);
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
          <span className="muted">Pass</span> <strong data-testid="hud-pass">{hud.pass + 1}</strong>
        </div>
      ) : null}
      <div className="hud-last" data-judgment={hud.last.split(" ")[0]} data-testid="hud-last">
        {hud.last}
      </div>
    </div>
  );
}
