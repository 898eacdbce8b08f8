"use client";
// How the drummer plays: lane keys (rebound with the next key press), a MIDI e-kit with its
// dynamics calibration and pad map, and latency calibration. Hits go to the controller.
import { useCallback, useEffect, useRef, useState } from "react";
import { LANE_LABELS, type Lane } from "@/lib/beatmap/lanes.ts";
import type { Calibration } from "@/lib/practice/calibration.ts";
import { calibrateVelocity, type VelocityCalibration } from "@/lib/practice/dynamics.ts";
import { type KeyMap, keyLabel } from "@/lib/practice/keymap.ts";
import type { PracticeController } from "@/lib/practice/practice-controller.ts";
import { CalibrationPanel } from "./calibration-panel.tsx";
import { connectMidi, type MidiConnection } from "./midi-input.ts";
import { PadMappingView, usePadLearning } from "./pad-mapping.tsx";
import { loadVelocityCalibration, saveVelocityCalibration } from "./practice-settings.ts";

function dynamicsText(c: VelocityCalibration): string {
  const v = (x: number) => Math.round(x * 127);
  return `This kit: ghost below velocity ${v(c.ghostMax)}, accent from ${v(c.accentMin)}.`;
}

const STROKES = 6;

/** A MIDI e-kit: its inputs, learned pads and velocity calibration (kept per kit). */
function useMidiKit(controller: PracticeController) {
  const pads = usePadLearning();
  const [midi, setMidi] = useState<{ names: string[]; error?: string } | null>(null);
  const [dynNote, setDynNote] = useState("");
  const connection = useRef<MidiConnection | null>(null);
  /** While calibrating dynamics, strokes are collected here instead of played. */
  const capture = useRef<number[] | null>(null);
  const kitKey = useRef("");

  useEffect(() => () => connection.current?.close(), []);

  const connect = useCallback(async () => {
    connection.current?.close();
    try {
      connection.current = await connectMidi({
        kit: pads.kit,
        onNote: pads.consume,
        onHit: (lane, timeStamp, velocity) => {
          if (capture.current) capture.current.push(velocity);
          else controller.hit(lane, timeStamp, "midi", velocity);
        },
        onInputs: (names) => {
          setMidi({ names });
          const key = names.join(" + ");
          kitKey.current = key;
          void pads.loadFor(key);
          void loadVelocityCalibration(key).then((c) => {
            controller.setVelocityCalibration(c);
            setDynNote(c ? dynamicsText(c) : "");
          });
        },
      });
    } catch (e) {
      setMidi({ names: [], error: e instanceof Error ? e.message : String(e) });
    }
  }, [controller, pads.kit, pads.consume, pads.loadFor]);

  // Soft, normal, then hard strokes on any pad.
  const calibrateDynamics = useCallback(async () => {
    const got: number[][] = [];
    for (const step of ["soft (ghost notes)", "normal", "hard (accents)"]) {
      const strokes: number[] = [];
      capture.current = strokes;
      setDynNote(`Play ${STROKES} ${step} strokes on any pad…`);
      while (strokes.length < STROKES) await new Promise((r) => setTimeout(r, 50));
      got.push(strokes);
    }
    capture.current = null;
    const cal = calibrateVelocity(got[0]!, got[1]!, got[2]!);
    if (!cal) {
      setDynNote("Soft, normal and hard strokes overlapped; try again with clearer differences.");
      return;
    }
    controller.setVelocityCalibration(cal);
    void saveVelocityCalibration(kitKey.current, cal);
    setDynNote(dynamicsText(cal));
  }, [controller]);

  return { pads, midi, dynNote, connect, calibrateDynamics };
}

export function InputPanel(props: {
  controller: PracticeController;
  ctx: AudioContext;
  keymap: KeyMap;
  rebinding: number | null;
  onRebind: (lane: number) => void;
  calibration: Calibration;
  onCalibration: (c: Calibration) => void;
  running: boolean;
}) {
  const { controller, ctx, keymap, rebinding, onRebind, calibration, onCalibration, running } = props;
  const kit = useMidiKit(controller);
  const { midi } = kit;
  return (
    <fieldset>
      <legend>Input</legend>
      <ul className="keymap">
        {keymap.map((codes, lane) => (
          <li key={LANE_LABELS[lane as Lane]}>
            <span>{LANE_LABELS[lane as Lane]}</span>{" "}
            <button
              type="button"
              className="secondary"
              disabled={running}
              aria-label={`${LANE_LABELS[lane as Lane]} key: ${codes.map(keyLabel).join(", ") || "none"}. Change`}
              onClick={() => onRebind(lane)}
            >
              {rebinding === lane ? "Press a key…" : codes.map(keyLabel).join(" / ") || "—"}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={() => void kit.connect()} disabled={running}>
        Connect e-kit (MIDI)
      </button>
      {midi ? (
        <p data-testid="midi-status" className={midi.error ? "error" : "muted"}>
          {midi.error ??
            (midi.names.length ? `Listening to ${midi.names.join(", ")}` : "No MIDI inputs found.")}
        </p>
      ) : null}
      {midi && !midi.error && midi.names.length > 0 ? (
        <>
          <button
            type="button"
            className="secondary"
            disabled={running}
            onClick={() => void kit.calibrateDynamics()}
          >
            Calibrate dynamics (ghosts and accents)
          </button>
          {kit.dynNote ? (
            <p className="muted" data-testid="dynamics-calibration" aria-live="polite">
              {kit.dynNote}
            </p>
          ) : null}
          <PadMappingView pads={kit.pads} disabled={running} />
        </>
      ) : null}
      <CalibrationPanel
        ctx={ctx}
        calibration={calibration}
        onChange={onCalibration}
        disabled={running}
        keymap={keymap}
      />
    </fieldset>
  );
}
