// The one way a chart's trust level is shown, wherever a chart appears: AI draft, human-fixed or
// verified (and archived), from maps.state. Text, not only colour, so it reads without colour too.
import styles from "./status-label.module.css";

export type MapStateName = "ai_draft" | "human_fixed" | "verified" | "archived";

export const MAP_STATE_LABEL: Readonly<Record<MapStateName, string>> = {
  ai_draft: "AI draft",
  human_fixed: "Human-fixed",
  verified: "Verified",
  archived: "Archived",
};

const TITLE: Readonly<Record<MapStateName, string>> = {
  ai_draft: "Made by the transcription model; nobody has checked it yet.",
  human_fixed: "Corrected by drummers; not verified yet.",
  verified: "Checked and approved by a verifier.",
  archived: "Retired by a curator; kept for its history.",
};

export function StatusLabel({ state, canonical = false }: { state: MapStateName; canonical?: boolean }) {
  return (
    <span
      className={`${styles.label} ${styles[state]}`}
      data-testid="status-label"
      data-state={state}
      title={canonical ? "The song's one canonical verified chart." : TITLE[state]}
    >
      {MAP_STATE_LABEL[state]}
      {canonical ? <span className={styles.canonical}> · canonical</span> : null}
    </span>
  );
}
