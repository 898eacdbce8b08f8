import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { BeatSightDb } from "./db.ts";
import { rememberedLevel, rememberLevel, songKey } from "./levels.ts";
import { putSetting } from "./results.ts";

let db: BeatSightDb;
afterEach(async () => {
  await db?.delete();
});

describe("the level remembered per song", () => {
  it("keys a song the server knows by its id, a chart only here by its content", () => {
    expect(songKey({ songId: "s1", contentHash: "h" })).toBe("song:s1");
    expect(songKey({ contentHash: "h" })).toBe("chart:h");
    expect(() => songKey({})).toThrow("song id or the chart's content hash");
  });

  it("is Expert until chosen, then the choice, per song", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    expect(await rememberedLevel(db, "song:a")).toBe("expert");
    await rememberLevel(db, "song:a", "easy");
    await rememberLevel(db, "song:b", "hard");
    expect(await rememberedLevel(db, "song:a")).toBe("easy");
    expect(await rememberedLevel(db, "song:b")).toBe("hard");
    await rememberLevel(db, "song:a", "medium");
    expect(await rememberedLevel(db, "song:a")).toBe("medium");
  });

  it("reads a damaged value as Expert", async () => {
    db = new BeatSightDb(`test-${Math.random()}`);
    await putSetting(db, "practice.level.song:a", { level: "easy" });
    expect(await rememberedLevel(db, "song:a")).toBe("expert");
  });
});
