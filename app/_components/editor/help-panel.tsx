// The keyboard shortcuts, read from the same table the key handler uses (lib/editor/shortcuts.ts).
import { SHORTCUTS } from "@/lib/editor/shortcuts.ts";
import styles from "./editor.module.css";

export function HelpPanel({ open, onToggle }: { open: boolean; onToggle: (open: boolean) => void }) {
  return (
    <details
      className={styles.panel}
      open={open}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Keyboard shortcuts (?)</summary>
      <table className={styles.shortcuts}>
        <caption className="visually-hidden">Editor keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.command}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.hint}>
        Mouse: click a note to select it (Shift or Ctrl adds), drag notes to move them (snapped), drag on
        empty space to select a box, click the ruler to move the playhead, drag a bar line&rsquo;s handle on
        the ruler to move the grid (timing tools). With the Draw tool a click on empty space adds a note. Ctrl
        + wheel zooms.
      </p>
    </details>
  );
}
