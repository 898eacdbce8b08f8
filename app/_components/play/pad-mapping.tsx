"use client";
// Per-kit pad mapping for MIDI e-kits whose modules do not send General MIDI notes everywhere:
// "Learn" a lane, hit the pad, and that note plays the lane from then on. Kept per kit (by its
// MIDI input names) in the device's settings.
import { useCallback, useRef, useState } from "react";
import { LANE_COUNT, LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import { learnPad, type MidiKitMap, notesForLane } from "@/lib/practice/midi.ts";
import { loadMidiKitMap, saveMidiKitMap } from "./practice-settings.ts";

export interface PadLearning {
  /** The current map (read by the MIDI input on every note). */
  kit: () => MidiKitMap;
  /** Called with every note first: consumes it while a lane is being learned. */
  consume: (note: number) => boolean;
  /** The kit changed (its input names): load its map. */
  loadFor: (kitKey: string) => Promise<void>;
  map: MidiKitMap;
  learning: Lane | null;
  message: string;
  learn: (lane: Lane) => void;
  reset: () => Promise<void>;
}

export function usePadLearning(): PadLearning {
  const mapRef = useRef<MidiKitMap>({});
  const keyRef = useRef("");
  const learningRef = useRef<Lane | null>(null);
  const [map, setMap] = useState<MidiKitMap>({});
  const [learning, setLearning] = useState<Lane | null>(null);
  const [message, setMessage] = useState("");

  const apply = useCallback((next: MidiKitMap) => {
    mapRef.current = next;
    setMap(next);
    void saveMidiKitMap(keyRef.current, next);
  }, []);

  const consume = useCallback(
    (note: number) => {
      const lane = learningRef.current;
      if (lane === null) return false;
      learningRef.current = null;
      setLearning(null);
      apply(learnPad(mapRef.current, note, lane));
      setMessage(`${LANE_LABELS[lane]}: note ${note} learned.`);
      return true;
    },
    [apply],
  );

  const loadFor = useCallback(async (kitKey: string) => {
    keyRef.current = kitKey;
    const loaded = await loadMidiKitMap(kitKey);
    mapRef.current = loaded;
    setMap(loaded);
  }, []);

  const learn = useCallback((lane: Lane) => {
    learningRef.current = lane;
    setLearning(lane);
    setMessage(`Hit the pad you want as ${LANE_LABELS[lane]}…`);
  }, []);

  const reset = useCallback(async () => {
    apply({});
    setMessage("Back to the General MIDI note map.");
  }, [apply]);

  const kit = useCallback(() => mapRef.current, []);
  return { kit, consume, loadFor, map, learning, message, learn, reset };
}

export function PadMappingView({ pads, disabled }: { pads: PadLearning; disabled: boolean }) {
  return (
    <details className="pad-mapping">
      <summary>Pad mapping for this kit</summary>
      <ul>
        {Array.from({ length: LANE_COUNT }, (_, i) => i as Lane).map((lane) => {
          const { learned, gm } = notesForLane(pads.map, lane);
          const notes = [...learned.map((n) => `${n} (learned)`), ...gm.map(String)].join(", ") || "none";
          return (
            <li key={lane} data-testid={`pad-${lane}`}>
              {LANE_LABELS[lane]}: notes {notes}{" "}
              <button
                type="button"
                className="secondary"
                disabled={disabled || pads.learning !== null}
                onClick={() => pads.learn(lane)}
                aria-label={`Learn the ${LANE_LABELS[lane]} pad`}
              >
                {pads.learning === lane ? "Listening…" : "Learn"}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="secondary" disabled={disabled} onClick={() => void pads.reset()}>
        Reset to General MIDI
      </button>
      <p role="status" aria-live="polite" className="muted" data-testid="pad-status">
        {pads.message}
      </p>
    </details>
  );
}
