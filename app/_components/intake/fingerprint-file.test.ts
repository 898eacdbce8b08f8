import { describe, expect, it } from "vitest";
import { checkFile, MAX_FILE_BYTES } from "./fingerprint-file.ts";

/** A File whose size is reported without allocating it. */
function fakeFile(name: string, type: string, size: number): File {
  const file = new File(["x"], name, { type });
  Object.defineProperty(file, "size", { value: size });
  return file;
}

describe("checkFile", () => {
  it.each([
    ["song.mp3", "audio/mpeg"],
    ["song.m4a", "audio/mp4"],
    ["song.m4a", "video/mp4"],
    ["song.opus", "audio/ogg"],
    ["song.flac", ""],
    ["song.WAV", ""],
  ])("accepts %s (%s)", (name, type) => {
    expect(checkFile(fakeFile(name, type, 5_000_000))).toBeNull();
  });

  it.each([
    ["notes.txt", "text/plain"],
    ["photo.jpg", "image/jpeg"],
    ["song.mp3.exe", ""],
    ["README", ""],
  ])("refuses %s as not audio", (name, type) => {
    const error = checkFile(fakeFile(name, type, 1000));
    expect(error?.code).toBe("not-audio");
    expect(error?.message).toContain(`“${name}” is not an audio file`);
  });

  it("refuses empty and oversized files, saying the limit", () => {
    expect(checkFile(fakeFile("a.mp3", "audio/mpeg", 0))?.code).toBe("empty");
    const big = checkFile(fakeFile("a.wav", "audio/wav", MAX_FILE_BYTES + 1));
    expect(big?.code).toBe("too-large");
    expect(big?.message).toMatch(/is 201 MB; files up to 200 MB are accepted/);
  });
});
