// What can be done to the selected notes: delete, another lane, another articulation, velocity,
// confirm. Every control is a plain form element, so all of it works from the keyboard, and each
// runs a registered action (lib/editor/commands.ts, panel "selection").
import {
  COMPONENT_LANE,
  COMPONENTS,
  type Component,
  LANE_COUNT,
  LANE_LABELS,
  type Lane,
  VELOCITY_OF_CLASS,
  velocityClass,
} from "@/lib/beatmap/lanes.ts";
import type { EditorNote } from "@/lib/editor/document.ts";
import { ActionButton } from "./action-controls.tsx";
import styles from "./editor.module.css";
import type { EditorActions } from "./use-editor-actions.ts";

const label = (c: Component) => c.replace(/_/g, " ");

export function SelectionPanel({
  selected,
  editor,
}: {
  selected: readonly EditorNote[];
  editor: EditorActions;
}) {
  const { run } = editor;
  const lanes = new Set(selected.map((n) => n.Lane));
  const components = new Set(selected.map((n) => n.Component));
  const oneLane = lanes.size === 1 ? (selected[0]!.Lane as Lane) : null;
  const oneComponent = components.size === 1 ? selected[0]!.Component : null;
  const bands = new Set(selected.map((n) => velocityClass(n.Velocity)));
  const first = selected[0];
  const described =
    selected.length === 0
      ? "No notes selected."
      : selected.length === 1 && first
        ? `${label(first.Component)} at ${(first.Time / 1000).toFixed(3)} s, velocity ${first.Velocity.toFixed(2)}${first.Confidence !== undefined ? `, model confidence ${Math.round(first.Confidence * 100)} %` : ""}${first.confirmed ? ", confirmed" : ""}.`
        : `${selected.length} notes selected.`;
  return (
    <fieldset className={styles.group} aria-label="Selected notes">
      <legend>Selection</legend>
      <p data-testid="selection-summary" className={styles.summary}>
        {described}
      </p>
      {selected.length > 0 ? (
        <div className={styles.row}>
          <ActionButton name="delete" editor={editor} />
          <ActionButton name="confirm" editor={editor} />
          <ActionButton name="cycleArticulation" editor={editor} />
          <ActionButton name="cycleVelocity" editor={editor} />
          <label>
            Lane{" "}
            <select
              value={oneLane ?? ""}
              onChange={(e) => run("setLane", Number(e.target.value) as Lane)}
              aria-label="Move the selected notes to lane"
            >
              {oneLane === null ? <option value="">(several)</option> : null}
              {Array.from({ length: LANE_COUNT }, (_, i) => (
                <option key={LANE_LABELS[i as Lane]} value={i}>
                  {LANE_LABELS[i as Lane]}
                </option>
              ))}
            </select>
          </label>
          {oneLane !== null ? (
            <label>
              Articulation{" "}
              <select
                value={oneComponent ?? ""}
                onChange={(e) => run("setComponent", e.target.value as Component)}
              >
                {oneComponent === null ? <option value="">(several)</option> : null}
                {COMPONENTS.filter((c) => COMPONENT_LANE[c] === oneLane).map((c) => (
                  <option key={c} value={c}>
                    {label(c)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <fieldset className={styles.tools}>
            <legend className="visually-hidden">Velocity</legend>
            {(["ghost", "normal", "accent"] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={bands.size === 1 && bands.has(v)}
                onClick={() => run("setVelocity", VELOCITY_OF_CLASS[v])}
              >
                {v[0]!.toUpperCase() + v.slice(1)}
              </button>
            ))}
          </fieldset>
          {oneComponent ? (
            <label>
              Every {label(oneComponent)} becomes{" "}
              <select
                value=""
                onChange={(e) => {
                  if (e.target.value)
                    run("remapComponent", { from: oneComponent, to: e.target.value as Component });
                }}
              >
                <option value="">(choose)</option>
                {COMPONENTS.filter((c) => c !== oneComponent).map((c) => (
                  <option key={c} value={c}>
                    {label(c)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
