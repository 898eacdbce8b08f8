// Whether a practice run is playing right now. The update prompt waits for it to stop: reloading
// mid-run would lose the run.
import { useSyncExternalStore } from "react";

let playing = false;
const listeners = new Set<() => void>();

export function setPracticePlaying(value: boolean): void {
  if (playing === value) return;
  playing = value;
  for (const listener of listeners) listener();
}

export function usePracticePlaying(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => playing,
    () => false,
  );
}
