// The chart the practice run plays, as a Beatmap for the notation: the notes of the controller's
// prepared chart (the difficulty level chosen, folded to the drummer's kit) with the rest of the
// stored chart (timing, title, artist). A note keeps what the prepared chart does not hold (a
// roll's Duration, Flam, Choke) from the stored note it came from: the one at the same time with
// the same drum, or, when the kit moved it to another drum, one at the same time not yet taken.
import type { Beatmap, HitObject } from "@/lib/beatmap/schema.ts";
import type { PreparedChart } from "@/lib/practice/session.ts";

export function practicedBeatmap(stored: Beatmap, prepared: PreparedChart): Beatmap {
  const atTime = new Map<number, HitObject[]>();
  for (const h of stored.HitObjects) {
    const list = atTime.get(h.Time);
    if (list) list.push(h);
    else atTime.set(h.Time, [h]);
  }
  const n = prepared.times.length;
  const source: (HitObject | undefined)[] = new Array(n);
  // Same time and drum first, then the moved notes take what is left at their time.
  for (const sameDrum of [true, false]) {
    for (let i = 0; i < n; i++) {
      if (source[i]) continue;
      const left = atTime.get(prepared.times[i]!);
      const k = left?.findIndex((h) => !sameDrum || h.Component === prepared.components[i]) ?? -1;
      if (left && k >= 0) source[i] = left.splice(k, 1)[0];
    }
  }
  const notes = source.map((from, i): HitObject => {
    const velocity = prepared.velocities[i]!;
    return {
      ...from,
      Time: prepared.times[i]!,
      Component: prepared.components[i]!,
      Lane: prepared.lanes[i]!,
      // The prepared chart holds velocities as 32-bit floats: keep the stored value they came from.
      Velocity: from && Math.fround(from.Velocity) === velocity ? from.Velocity : velocity,
    };
  });
  return { ...stored, HitObjects: notes };
}
