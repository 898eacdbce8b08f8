// Keyboard shortcuts: one table that both the key handler and the help panel read, so what the
// help says is what the keys do.

export type Command =
  | "playPause"
  | "undo"
  | "redo"
  | "delete"
  | "copy"
  | "cut"
  | "paste"
  | "selectAll"
  | "escape"
  | "nudgeEarlier"
  | "nudgeLater"
  | "laneUp"
  | "laneDown"
  | "nextUnsure"
  | "previousUnsure"
  | "confirm"
  | "snapFiner"
  | "snapCoarser"
  | "zoomIn"
  | "zoomOut"
  | "toolSelect"
  | "toolDraw"
  | "toStart"
  | "toEnd"
  | "help"
  | "tapTempo"
  | `place${0 | 1 | 2 | 3 | 4 | 5 | 6}`;

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Shortcut {
  command: Command;
  /** As shown in the help panel. */
  keys: string;
  description: string;
  matches: (e: KeyLike, mod: boolean) => boolean;
}

const plain = (e: KeyLike, mod: boolean) => !mod && !e.altKey;

const LANE_NAMES = ["crash", "hi-hat", "snare", "kick", "tom", "ride", "splash"];

export const SHORTCUTS: readonly Shortcut[] = [
  {
    command: "playPause",
    keys: "Space",
    description: "Play / pause from the playhead",
    matches: (e, m) => plain(e, m) && e.code === "Space",
  },
  {
    command: "undo",
    keys: "Ctrl+Z",
    description: "Undo",
    matches: (e, m) => m && !e.shiftKey && e.code === "KeyZ",
  },
  {
    command: "redo",
    keys: "Ctrl+Y or Ctrl+Shift+Z",
    description: "Redo",
    matches: (e, m) => m && (e.code === "KeyY" || (e.shiftKey && e.code === "KeyZ")),
  },
  {
    command: "delete",
    keys: "Delete or Backspace",
    description: "Delete the selected notes",
    matches: (e, m) => plain(e, m) && (e.key === "Delete" || e.key === "Backspace"),
  },
  {
    command: "copy",
    keys: "Ctrl+C",
    description: "Copy the selected notes",
    matches: (e, m) => m && e.code === "KeyC",
  },
  {
    command: "cut",
    keys: "Ctrl+X",
    description: "Cut the selected notes",
    matches: (e, m) => m && e.code === "KeyX",
  },
  {
    command: "paste",
    keys: "Ctrl+V",
    description: "Paste at the playhead",
    matches: (e, m) => m && e.code === "KeyV",
  },
  {
    command: "selectAll",
    keys: "Ctrl+A",
    description: "Select every note",
    matches: (e, m) => m && e.code === "KeyA",
  },
  {
    command: "escape",
    keys: "Escape",
    description: "Clear the selection / cancel a drag",
    matches: (e) => e.key === "Escape",
  },
  {
    command: "nudgeEarlier",
    keys: "←",
    description: "Move the selection one grid step earlier (no selection: move the playhead)",
    matches: (e, m) => plain(e, m) && e.key === "ArrowLeft",
  },
  {
    command: "nudgeLater",
    keys: "→",
    description: "Move the selection one grid step later (no selection: move the playhead)",
    matches: (e, m) => plain(e, m) && e.key === "ArrowRight",
  },
  {
    command: "laneUp",
    keys: "↑",
    description: "Move the selection one lane up",
    matches: (e, m) => plain(e, m) && e.key === "ArrowUp",
  },
  {
    command: "laneDown",
    keys: "↓",
    description: "Move the selection one lane down",
    matches: (e, m) => plain(e, m) && e.key === "ArrowDown",
  },
  ...LANE_NAMES.map(
    (name, lane): Shortcut => ({
      command: `place${lane}` as Command,
      keys: String(lane + 1),
      description: `Place a ${name} note at the playhead (snapped)`,
      matches: (e, m) => plain(e, m) && !e.shiftKey && e.code === `Digit${lane + 1}`,
    }),
  ),
  {
    command: "nextUnsure",
    keys: "N",
    description: "Go to the next note the model was unsure of",
    matches: (e, m) => plain(e, m) && !e.shiftKey && e.code === "KeyN",
  },
  {
    command: "previousUnsure",
    keys: "Shift+N",
    description: "Go to the previous unsure note",
    matches: (e, m) => plain(e, m) && e.shiftKey && e.code === "KeyN",
  },
  {
    command: "confirm",
    keys: "C",
    description: "Confirm the selected notes as correct",
    matches: (e, m) => plain(e, m) && !e.shiftKey && e.code === "KeyC",
  },
  {
    command: "snapFiner",
    keys: "]",
    description: "Finer snap divisor",
    matches: (e, m) => plain(e, m) && e.code === "BracketRight",
  },
  {
    command: "snapCoarser",
    keys: "[",
    description: "Coarser snap divisor",
    matches: (e, m) => plain(e, m) && e.code === "BracketLeft",
  },
  {
    command: "zoomIn",
    keys: "+",
    description: "Zoom in",
    matches: (e, m) => plain(e, m) && (e.key === "+" || e.key === "="),
  },
  {
    command: "zoomOut",
    keys: "−",
    description: "Zoom out",
    matches: (e, m) => plain(e, m) && (e.key === "-" || e.key === "_"),
  },
  {
    command: "toolSelect",
    keys: "V",
    description: "Select tool (click empty space: move the playhead)",
    matches: (e, m) => plain(e, m) && e.code === "KeyV",
  },
  {
    command: "toolDraw",
    keys: "D",
    description: "Draw tool (click empty space: add a note)",
    matches: (e, m) => plain(e, m) && e.code === "KeyD",
  },
  {
    command: "toStart",
    keys: "Home",
    description: "Playhead to the start",
    matches: (e, m) => plain(e, m) && e.key === "Home",
  },
  {
    command: "toEnd",
    keys: "End",
    description: "Playhead to the end",
    matches: (e, m) => plain(e, m) && e.key === "End",
  },
  {
    command: "tapTempo",
    keys: "T",
    description: "Tap the tempo along with the music (timing tools show the BPM)",
    matches: (e, m) => plain(e, m) && !e.shiftKey && e.code === "KeyT",
  },
  {
    command: "help",
    keys: "?",
    description: "Show or hide this list",
    matches: (e, m) => !m && e.key === "?",
  },
];

/** The command a key press means, or null. Ctrl and Cmd count alike. */
export function commandFor(e: KeyLike): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  for (const s of SHORTCUTS) if (s.matches(e, mod)) return s.command;
  return null;
}

/** Lane of a place command ("place3" → 3). */
export function placeLane(command: Command): number | null {
  const m = /^place(\d)$/.exec(command);
  return m ? Number(m[1]) : null;
}
