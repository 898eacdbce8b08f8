// The help panel's rows, read from the action registry: one per action, with its keys, what it
// does and its pointer gesture or the panel it sits in. Nothing here is kept by hand.
import { ACTION_LIST, EDITOR_ACTIONS, type EditorActionName } from "./commands.ts";
import { bindingLabel } from "./keys.ts";
import type { Panel } from "./registry.ts";

const WHERE: Record<Panel, string> = {
  transport: "Toolbar",
  toolbar: "Toolbar",
  selection: "Selection panel",
  timing: "Timing tools",
  timeline: "Timeline",
  keyboard: "",
};

export interface HelpRow {
  name: EditorActionName;
  /** Each binding as people read it ("Ctrl+Z"); several mean "or". */
  keys: string[];
  does: string;
  /** The pointer gesture, or the panel the action's control is in. */
  where: string;
}

export function helpRows(): HelpRow[] {
  return ACTION_LIST.map(([name, a]) => ({
    name,
    keys: (a.keys ?? []).map(bindingLabel),
    does: a.description ?? a.label,
    where: a.pointer ?? WHERE[a.panel],
  }));
}

/** The key that opens the help panel, for its title. */
export const HELP_KEY = (EDITOR_ACTIONS.help.keys ?? []).map(bindingLabel).join(" or ");
