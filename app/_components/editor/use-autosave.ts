"use client";
// Autosave: the notes and timing (what a draft holds; selection and clipboard are not saved) are
// written to this device 400 ms after the last edit (lib/store/drafts.ts).
import { useEffect, useRef, useState } from "react";
import { confirmedPlaces, type EditorDoc, toBeatmap } from "@/lib/editor/document.ts";
import { localDb } from "@/lib/store/db.ts";
import { saveDraft } from "@/lib/store/drafts.ts";

const AUTOSAVE_DELAY_MS = 400;

export interface DraftTarget {
  key: string;
  baseHash: string;
  baseVersionId?: string;
}

export function useAutosave(doc: EditorDoc, draft: DraftTarget) {
  const [saved, setSaved] = useState("");
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const lastSaved = useRef({ notes: doc.notes, chart: doc.chart });
  const saveRevision = useRef(0);
  const savedRevision = useRef(0);
  useEffect(() => {
    if (lastSaved.current.notes === doc.notes && lastSaved.current.chart === doc.chart) return;
    lastSaved.current = { notes: doc.notes, chart: doc.chart };
    const chart = toBeatmap(doc);
    const confirmed = confirmedPlaces(doc);
    setSaved("Saving…");
    const revision = ++saveRevision.current;
    const timer = setTimeout(() => {
      const d = draftRef.current;
      saveDraft(localDb(), {
        key: d.key,
        beatmap: chart,
        baseHash: d.baseHash,
        ...(d.baseVersionId ? { baseVersionId: d.baseVersionId } : {}),
        confirmed,
      })
        .then((row) => {
          savedRevision.current = Math.max(savedRevision.current, revision);
          setSaved(`Saved on this device at ${new Date(row.savedAt).toLocaleTimeString()}.`);
        })
        .catch((e: unknown) =>
          setSaved(
            `Not saved on this device (${e instanceof Error ? e.message : String(e)}). Keep this tab open, or free some storage.`,
          ),
        );
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [doc]);
  return { saved, unsaved: () => savedRevision.current < saveRevision.current };
}
