"use client";
// What plays along in the editor: the song's stems from this device (drums only, if wanted), or a
// song file the user picks, and the metronome.
import { useEffect, useState } from "react";
import styles from "./editor.module.css";
import type { EditorAudio } from "./use-editor-audio.ts";

export function SoundPanel({ audio }: { audio: EditorAudio }) {
  const [mix, setMix] = useState({ drumsOnly: false, metronome: false });
  useEffect(() => {
    audio.setMix(mix);
  }, [audio, mix]);
  return (
    <fieldset className={styles.group}>
      <legend>Sound</legend>
      <div className={styles.row}>
        <span data-testid="editor-audio-source">Playing: {audio.source}</span>
        {audio.hasStems ? (
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={mix.drumsOnly}
              onChange={(e) => setMix({ ...mix, drumsOnly: e.target.checked })}
            />{" "}
            Drums only
          </label>
        ) : null}
        <label>
          {audio.hasStems ? "Or play along with a song file" : "Play along with the song file"}{" "}
          <input
            type="file"
            accept="audio/*"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void audio.pickFile(f);
            }}
          />
        </label>
        <label className={styles.check}>
          <input
            type="checkbox"
            checked={mix.metronome}
            onChange={(e) => setMix({ ...mix, metronome: e.target.checked })}
          />{" "}
          Metronome
        </label>
      </div>
      {audio.error ? <p className={styles.error}>{audio.error}</p> : null}
    </fieldset>
  );
}
