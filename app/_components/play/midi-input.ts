// Web MIDI e-kit input (browser only): every input port's note-ons become lane hits, timed by
// the event's own timeStamp (a performance.now() time), so judging is as tight as the kit.
import { laneForNote, type MidiKitMap, parseMidiMessage } from "@/lib/practice/midi.ts";

export interface MidiConnection {
  close(): void;
}

export async function connectMidi(options: {
  onHit: (lane: number, timeStamp: number, velocity: number) => void;
  onInputs: (names: string[]) => void;
  /** The kit's pad map, read on every note (it changes while connected, when pads are learned). */
  kit?: () => MidiKitMap;
  /** Sees every note first; returning true consumes it (pad learning). */
  onNote?: (note: number) => boolean;
}): Promise<MidiConnection> {
  if (typeof navigator === "undefined" || !("requestMIDIAccess" in navigator)) {
    throw new Error(
      "This browser has no Web MIDI. Use Chrome or Edge to play with an e-kit, or play on the keyboard.",
    );
  }
  let access: MIDIAccess;
  try {
    access = await navigator.requestMIDIAccess();
  } catch {
    throw new Error(
      "MIDI access was refused. Allow MIDI for this site in the browser's settings, then connect again.",
    );
  }
  const onMessage = (e: Event) => {
    const m = e as MIDIMessageEvent;
    const hit = parseMidiMessage(m.data);
    if (!hit) return;
    if (options.onNote?.(hit.note)) return;
    const lane = laneForNote(hit.note, options.kit?.());
    if (lane !== undefined) options.onHit(lane, m.timeStamp, hit.velocity);
  };
  const attach = () => {
    const names: string[] = [];
    access.inputs.forEach((input) => {
      input.removeEventListener("midimessage", onMessage);
      input.addEventListener("midimessage", onMessage);
      names.push(input.name || input.id);
    });
    options.onInputs(names);
  };
  attach();
  access.addEventListener("statechange", attach);
  return {
    close() {
      access.removeEventListener("statechange", attach);
      access.inputs.forEach((input) => {
        input.removeEventListener("midimessage", onMessage);
      });
    },
  };
}
