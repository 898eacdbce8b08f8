"use client";
// Buttons and controls made from the registry (lib/editor/commands.ts): label, enabled state,
// pressed state, title and `aria-keyshortcuts` all come from the action, so a button and its key
// never disagree. An action that takes a value needs a control of its own (excalidraw's
// PanelComponent); those few are here too.
import type { ReactNode } from "react";
import { ACTION_LIST, EDITOR_ACTIONS, type EditorActionName } from "@/lib/editor/commands.ts";
import { ariaKeyshortcut } from "@/lib/editor/keys.ts";
import { type AnyAction, isEnabled, type Panel } from "@/lib/editor/registry.ts";
import { isSnapDivisor, SNAP_DIVISORS, snapLabel } from "@/lib/editor/snap.ts";
import styles from "./editor.module.css";
import type { EditorActions } from "./use-editor-actions.ts";

/** Actions whose perform takes no value: a plain button runs them. */
type ButtonAction = {
  [N in EditorActionName]: undefined extends Parameters<(typeof EDITOR_ACTIONS)[N]["perform"]>[1] ? N : never;
}[EditorActionName];

export function ActionButton({ name, editor }: { name: ButtonAction; editor: EditorActions }) {
  const action: AnyAction = EDITOR_ACTIONS[name];
  const s = editor.state;
  const keys = action.keys?.map(ariaKeyshortcut).join(" ");
  return (
    <button
      type="button"
      onClick={(e) => editor.runInvocation({ name, value: undefined } as never, { timeStamp: e.timeStamp })}
      disabled={!isEnabled(action, s)}
      title={action.title?.(s)}
      aria-pressed={action.pressed?.(s)}
      aria-label={action.icon ? action.label : undefined}
      aria-keyshortcuts={keys || undefined}
    >
      {action.icon ?? action.text?.(s) ?? action.label}
    </button>
  );
}

/** Controls of the actions that take a value, by action. */
const CONTROLS: Partial<Record<EditorActionName, (editor: EditorActions) => ReactNode>> = {
  setSnap: (editor) => (
    <label key="setSnap">
      Snap{" "}
      <select
        value={editor.state.divisor}
        onChange={(e) => {
          const d = Number(e.target.value);
          if (isSnapDivisor(d)) editor.run("setSnap", d);
        }}
      >
        {SNAP_DIVISORS.map((d) => (
          <option key={d} value={d}>
            {snapLabel(d)}
          </option>
        ))}
      </select>
    </label>
  ),
  setTool: (editor) => (
    <fieldset key="setTool" className={styles.tools}>
      <legend className="visually-hidden">Pointer tool</legend>
      <label>
        <input
          type="radio"
          name="tool"
          checked={editor.state.tool === "select"}
          onChange={() => editor.run("setTool", "select")}
        />{" "}
        Select
      </label>
      <label>
        <input
          type="radio"
          name="tool"
          checked={editor.state.tool === "draw"}
          onChange={() => editor.run("setTool", "draw")}
        />{" "}
        Draw
      </label>
    </fieldset>
  ),
};

/** Every action of a panel, in registry order: its control, or a button. */
export function ActionBar({ panel, editor }: { panel: Panel; editor: EditorActions }) {
  return ACTION_LIST.filter(([, a]) => a.panel === panel).map(([name]) => {
    const control = CONTROLS[name];
    return control ? (
      control(editor)
    ) : (
      <ActionButton key={name} name={name as ButtonAction} editor={editor} />
    );
  });
}
