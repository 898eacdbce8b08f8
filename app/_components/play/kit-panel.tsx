"use client";
// The drummer's kit: the chart is folded to it (toms merged, pedals dropped …) and the practice
// restarts on the folded chart; the choice is kept on the device.
import { useState } from "react";
import type { KitProfile } from "@/lib/practice/kit-profile.ts";
import { type LoadedPractice, rechart } from "./load-practice.ts";
import { saveKit } from "./practice-settings.ts";

const PIECES = [
  ["ride", "Ride"],
  ["splash", "Splash"],
  ["china", "China"],
  ["hihatPedal", "Hi-hat pedal"],
  ["doublePedal", "Double kick pedal"],
] as const;

export function KitPanel({ practice, running }: { practice: LoadedPractice; running: boolean }) {
  const { controller } = practice;
  const [kit, setKit] = useState<KitProfile>(practice.settings.kit);
  const [fold, setFold] = useState(practice.fold);
  const change = (c: Partial<KitProfile>) => {
    if (controller.running) return;
    const next: KitProfile = { ...kit, ...c };
    setKit(next);
    void saveKit(next);
    const folded = rechart(practice, { kit: next });
    if (folded) setFold({ moved: folded.moved, dropped: folded.dropped });
  };
  return (
    <fieldset>
      <legend>Your kit</legend>
      <label>
        Toms{" "}
        <select
          value={kit.toms}
          disabled={running}
          onChange={(e) => change({ toms: Number(e.target.value) as KitProfile["toms"] })}
        >
          {[0, 1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Crashes{" "}
        <select
          value={kit.crashes}
          disabled={running}
          onChange={(e) => change({ crashes: Number(e.target.value) === 1 ? 1 : 2 })}
        >
          <option value={1}>1</option>
          <option value={2}>2</option>
        </select>
      </label>
      {PIECES.map(([key, label]) => (
        <label key={key}>
          <input
            type="checkbox"
            checked={kit[key]}
            disabled={running}
            onChange={(e) => change({ [key]: e.target.checked })}
          />{" "}
          {label}
        </label>
      ))}
      {fold.moved + fold.dropped > 0 ? (
        <p className="muted" data-testid="kit-fold">
          Folded to your kit: {fold.moved} notes moved, {fold.dropped} left out.
        </p>
      ) : null}
    </fieldset>
  );
}
