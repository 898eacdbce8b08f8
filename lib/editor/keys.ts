// Key bindings as data, not as predicates: the same binding matches a key press, prints itself for
// the help panel and `aria-keyshortcuts`, and can be compared with every other binding, so a
// clash between two actions is found by a test instead of by a user.

/** The parts of a KeyboardEvent a binding looks at. */
export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface KeyBinding {
  /**
   * `KeyboardEvent.code` for letters, digits and brackets (the same physical key on every layout),
   * or `key` for what is named by its character or role ("?", "+", "ArrowLeft", "Delete").
   */
  code?: string;
  key?: string;
  /** Ctrl, or Cmd on a Mac. Default: neither. */
  mod?: boolean;
  /** true / false: Shift must be down / up. Left out: either (a "?" needs Shift on most layouts). */
  shift?: boolean;
}

/** Alt is never part of a binding: Alt (AltGr) combinations type characters on many layouts. */
export function matches(binding: KeyBinding, e: KeyLike): boolean {
  if (e.altKey) return false;
  if ((e.ctrlKey || e.metaKey) !== (binding.mod ?? false)) return false;
  if (binding.shift !== undefined && e.shiftKey !== binding.shift) return false;
  if (binding.code !== undefined) return e.code === binding.code;
  return e.key === binding.key;
}

const NAMED: Record<string, string> = {
  Space: "Space",
  " ": "Space",
  ArrowLeft: "←",
  ArrowRight: "→",
  ArrowUp: "↑",
  ArrowDown: "↓",
  BracketLeft: "[",
  BracketRight: "]",
  "-": "−",
};

/** The key's own name: "Z" for KeyZ, "4" for Digit4, "←" for ArrowLeft. */
function keyName(binding: KeyBinding): string {
  const id = binding.code ?? binding.key ?? "";
  const letterOrDigit = /^(?:Key|Digit)(.)$/.exec(id);
  if (letterOrDigit) return letterOrDigit[1]!;
  return NAMED[id] ?? id;
}

/** As people read it: "Ctrl+Shift+Z", "Shift+N", "←". */
export function bindingLabel(binding: KeyBinding): string {
  return [binding.mod ? "Ctrl" : null, binding.shift ? "Shift" : null, keyName(binding)]
    .filter(Boolean)
    .join("+");
}

/** As `aria-keyshortcuts` wants it (WAI-ARIA: "Control+Shift+Z", "Space", "ArrowLeft"). */
export function ariaKeyshortcut(binding: KeyBinding): string {
  const id = binding.code ?? binding.key ?? "";
  const letterOrDigit = /^(?:Key|Digit)(.)$/.exec(id);
  const name =
    letterOrDigit?.[1] ??
    ({ BracketLeft: "[", BracketRight: "]", " ": "Space" } as Record<string, string>)[id] ??
    id;
  return [binding.mod ? "Control" : null, binding.shift ? "Shift" : null, name].filter(Boolean).join("+");
}

// What a code binding types on a US layout, so code and key bindings compare (and a test can make
// a key press for either).
const US_KEY_OF_CODE: Record<string, string> = { Space: " ", BracketLeft: "[", BracketRight: "]" };

function usKey(binding: KeyBinding): string {
  if (binding.key !== undefined) return binding.key.length === 1 ? binding.key.toLowerCase() : binding.key;
  const code = binding.code ?? "";
  const letterOrDigit = /^(?:Key|Digit)(.)$/.exec(code);
  return letterOrDigit ? letterOrDigit[1]!.toLowerCase() : (US_KEY_OF_CODE[code] ?? code);
}

/** A key press that this binding matches (on a US layout), for tests and for the help panel. */
export function sampleKeyPress(binding: KeyBinding): KeyLike {
  const key = binding.key ?? usKey(binding);
  const code =
    binding.code ??
    (/^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : /^\d$/.test(key) ? `Digit${key}` : key);
  return {
    key,
    code,
    ctrlKey: binding.mod ?? false,
    metaKey: false,
    shiftKey: binding.shift ?? false,
    altKey: false,
  };
}

/** Whether one key press could match both bindings. */
export function overlaps(a: KeyBinding, b: KeyBinding): boolean {
  if ((a.mod ?? false) !== (b.mod ?? false)) return false;
  if (a.shift !== undefined && b.shift !== undefined && a.shift !== b.shift) return false;
  return usKey(a) === usKey(b);
}
