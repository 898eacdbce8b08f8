"use client";
// A "Practise" button for a chart on the server (see practise-server-map.ts), for server-rendered pages.
import { ErrorMessage } from "./error-message.tsx";
import { usePractiseServerMap } from "./practise-server-map.ts";

export function PractiseButton({ mapId, label }: { mapId: string; label: string }) {
  const { practise, busy, error } = usePractiseServerMap();
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => void practise(mapId)}
        disabled={busy}
        aria-label={label}
      >
        {busy ? "Opening…" : "Practise"}
      </button>
      <ErrorMessage error={error} action="Try again." />
    </>
  );
}
