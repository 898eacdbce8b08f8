// Every editor action with its keys, its pointer gesture or the panel it sits in — read from the
// registry the key handler and the buttons use (lib/editor/commands.ts), so nothing here is kept
// by hand.
import { HELP_KEY, helpRows } from "@/lib/editor/help.ts";
import styles from "./editor.module.css";

export function HelpPanel({ open, onToggle }: { open: boolean; onToggle: (open: boolean) => void }) {
  return (
    <details
      className={styles.panel}
      open={open}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Keyboard shortcuts ({HELP_KEY})</summary>
      <table className={styles.shortcuts}>
        <caption className="visually-hidden">Editor keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
            <th scope="col">Mouse, or where</th>
          </tr>
        </thead>
        <tbody>
          {helpRows().map((row) => (
            <tr key={row.name} data-action={row.name}>
              <td>
                {row.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 ? " or " : null}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{row.does}</td>
              <td>{row.where}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.hint}>Ctrl and Cmd count alike.</p>
    </details>
  );
}
