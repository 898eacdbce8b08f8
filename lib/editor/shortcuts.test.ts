import { describe, expect, it } from "vitest";
import { commandFor, type KeyLike, placeLane, SHORTCUTS } from "./shortcuts.ts";

const key = (k: Partial<KeyLike>): KeyLike => ({
  key: "",
  code: "",
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...k,
});

describe("editor shortcuts", () => {
  it("maps keys to commands, with Ctrl and Cmd alike", () => {
    expect(commandFor(key({ code: "KeyZ", ctrlKey: true }))).toBe("undo");
    expect(commandFor(key({ code: "KeyZ", metaKey: true, shiftKey: true }))).toBe("redo");
    expect(commandFor(key({ code: "KeyY", ctrlKey: true }))).toBe("redo");
    expect(commandFor(key({ code: "KeyC" }))).toBe("confirm");
    expect(commandFor(key({ code: "KeyC", ctrlKey: true }))).toBe("copy");
    expect(commandFor(key({ code: "Space", key: " " }))).toBe("playPause");
    expect(commandFor(key({ key: "Delete" }))).toBe("delete");
    expect(commandFor(key({ code: "KeyN", shiftKey: true }))).toBe("previousUnsure");
    expect(commandFor(key({ code: "Digit4", key: "4" }))).toBe("place3");
    expect(placeLane("place3")).toBe(3);
    expect(commandFor(key({ code: "KeyT", key: "t" }))).toBe("tapTempo");
    expect(commandFor(key({ code: "KeyQ" }))).toBeNull();
    expect(commandFor(key({ code: "Digit4", altKey: true }))).toBeNull();
  });

  it("documents every command once", () => {
    const commands = SHORTCUTS.map((s) => s.command);
    expect(new Set(commands).size).toBe(commands.length);
    expect(SHORTCUTS.every((s) => s.description.length > 0 && s.keys.length > 0)).toBe(true);
  });
});
