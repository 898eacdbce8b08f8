// What a file's first bytes say it is. Used before decoding an upload so a photo or a PDF sent by
// mistake gets a message naming what it looks like, and FFmpeg is only run on plausible audio.
// A dozen signatures cover the formats BeatSight accepts; a general library (file-type) would
// bring hundreds we would only have to refuse.

export type SniffResult =
  | { audio: true; format: "mp3" | "wav" | "flac" | "ogg" | "mp4" | "aac" | "webm" | "aiff" }
  | { audio: false; looksLike: string | null };

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

export function sniffAudio(head: Uint8Array): SniffResult {
  if (ascii(head, 0, "ID3")) return { audio: true, format: "mp3" };
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return { audio: true, format: "wav" };
  if (ascii(head, 0, "fLaC")) return { audio: true, format: "flac" };
  if (ascii(head, 0, "OggS")) return { audio: true, format: "ogg" };
  if (ascii(head, 0, "FORM") && (ascii(head, 8, "AIFF") || ascii(head, 8, "AIFC")))
    return { audio: true, format: "aiff" };
  // ISO base media (m4a/mp4): a box size, then "ftyp".
  if (ascii(head, 4, "ftyp")) return { audio: true, format: "mp4" };
  // Matroska/WebM: the EBML magic.
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return { audio: true, format: "webm" };
  // MPEG audio frame sync (11 set bits): layer bits 01/10/11 are mp3/mp2/mp1, 00 is ADTS AAC.
  if (head[0] === 0xff && head[1] !== undefined && (head[1] & 0xe0) === 0xe0) {
    return { audio: true, format: (head[1] & 0x06) === 0 ? "aac" : "mp3" };
  }
  return { audio: false, looksLike: describeNonAudio(head) };
}

function describeNonAudio(head: Uint8Array): string | null {
  if (head[0] === 0x89 && ascii(head, 1, "PNG")) return "a PNG image";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "a JPEG image";
  if (ascii(head, 0, "GIF8")) return "a GIF image";
  if (ascii(head, 0, "%PDF")) return "a PDF document";
  if (ascii(head, 0, "PK\x03\x04")) return "a ZIP archive (or an Office document)";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) return "an AVI video";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) return "a WebP image";
  if (ascii(head, 0, "\x7fELF") || ascii(head, 0, "MZ")) return "a program";
  const text = head.subarray(0, 32).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (head.length > 0 && text) return "a text file";
  return null;
}
