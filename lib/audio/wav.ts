// WAV (RIFF) encoding of float PCM as 16-bit integer samples (rounded, clipped to full scale):
// what `beatsight separate` writes and what the app offers for stem download.

export function encodeWav16(channels: readonly Float32Array[], sampleRate: number): Uint8Array {
  const channelCount = channels.length;
  if (channelCount === 0) throw new Error("No channels to encode");
  const frames = channels[0]!.length;
  const dataBytes = frames * channelCount * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channelCount * 2, true);
  view.setUint16(32, channelCount * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  let offset = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      const v = Math.max(-1, Math.min(1, channels[c]![i] ?? 0));
      view.setInt16(offset, Math.round(v * 32767), true);
      offset += 2;
    }
  }
  return out;
}

/**
 * Reads a 16-bit PCM WAV (what encodeWav16 writes, and what stems were stored as before they were
 * compressed) back into float channels; null for anything else (another sample format, a damaged
 * header), so callers keep such a file as it is.
 */
export function decodeWav16(bytes: Uint8Array): { channels: Float32Array[]; sampleRate: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number, text: string) =>
    offset + text.length <= bytes.length && [...text].every((c, i) => bytes[offset + i] === c.charCodeAt(0));
  if (!ascii(0, "RIFF") || !ascii(8, "WAVE")) return null;
  let format: { channels: number; sampleRate: number } | null = null;
  // Chunks in any order; each is padded to an even length.
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (ascii(at, "fmt ")) {
      if (size < 16 || body + 16 > bytes.length) return null;
      const pcm = view.getUint16(body, true) === 1;
      const bits = view.getUint16(body + 14, true);
      if (!pcm || bits !== 16) return null;
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
      if (format.channels === 0 || format.sampleRate === 0) return null;
    } else if (ascii(at, "data")) {
      if (!format) return null;
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * format.channels));
      const channels = Array.from({ length: format.channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < format.channels; c++) {
          // encodeWav16 scales by 32767: the same scale reads its samples back exactly.
          channels[c]![i] = Math.max(-1, view.getInt16(body + (i * format.channels + c) * 2, true) / 32767);
        }
      }
      return { channels, sampleRate: format.sampleRate };
    }
    at = body + size + (size % 2);
  }
  return null;
}
