// fpcalc's compressed fingerprint format (chromaprint fingerprint_compressor.cpp /
// fingerprint_decompressor.cpp), in TypeScript so the server can decode and encode fingerprints
// without loading WebAssembly.
//
// Layout: 1 byte algorithm, 3 bytes big-endian item count, then for each item the positions of the
// bits that changed from the previous item as deltas (0 ends an item), packed 3 bits each (LSB
// first); deltas ≥ 7 are written as 7 and their excess follows in a 5-bit packed section. The bytes
// are base64url-encoded without padding.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export class FingerprintFormatError extends Error {
  override name = "FingerprintFormatError";
}

export interface DecodedFingerprint {
  algorithm: number;
  raw: Uint32Array;
}

function base64UrlEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

function base64UrlDecode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  if (clean.length % 4 === 1) throw new FingerprintFormatError("Fingerprint is not valid base64.");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new FingerprintFormatError(`Fingerprint has an invalid character at ${i}.`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function packBits(values: number[], width: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * width) / 8));
  let bit = 0;
  for (const value of values) {
    for (let b = 0; b < width; b++, bit++) {
      if ((value >> b) & 1) out[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return out;
}

/** Encodes raw items exactly as `fpcalc` (chromaprint_get_fingerprint) prints them. */
export function compressFingerprint(raw: ArrayLike<number>, algorithm = 1): string {
  const normal: number[] = [];
  const exceptional: number[] = [];
  let previous = 0;
  for (let i = 0; i < raw.length; i++) {
    let x = (raw[i]! ^ previous) >>> 0;
    previous = raw[i]! >>> 0;
    let bit = 1;
    let lastBit = 0;
    while (x !== 0) {
      if (x & 1) {
        const delta = bit - lastBit;
        if (delta >= 7) {
          normal.push(7);
          exceptional.push(delta - 7);
        } else {
          normal.push(delta);
        }
        lastBit = bit;
      }
      x >>>= 1;
      bit++;
    }
    normal.push(0);
  }
  const header = new Uint8Array([
    algorithm & 0xff,
    (raw.length >> 16) & 0xff,
    (raw.length >> 8) & 0xff,
    raw.length & 0xff,
  ]);
  const a = packBits(normal, 3);
  const b = packBits(exceptional, 5);
  const bytes = new Uint8Array(header.length + a.length + b.length);
  bytes.set(header, 0);
  bytes.set(a, header.length);
  bytes.set(b, header.length + a.length);
  return base64UrlEncode(bytes);
}

/** Decodes an fpcalc / AcoustID compressed fingerprint back into raw items. */
export function decompressFingerprint(encoded: string): DecodedFingerprint {
  const bytes = base64UrlDecode(encoded.trim());
  if (bytes.length < 4) throw new FingerprintFormatError("Fingerprint is too short to have a header.");
  const algorithm = bytes[0]!;
  const count = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  const body = bytes.subarray(4);
  const totalBits = body.length * 8;

  // Read 3-bit deltas until `count` items are terminated.
  const normal: number[] = [];
  let bit = 0;
  let terminated = 0;
  while (terminated < count) {
    if (bit + 3 > totalBits) throw new FingerprintFormatError("Fingerprint data ends early.");
    let v = 0;
    for (let b = 0; b < 3; b++, bit++) v |= ((body[bit >> 3]! >> (bit & 7)) & 1) << b;
    normal.push(v);
    if (v === 0) terminated++;
  }
  let ebit = Math.ceil((normal.length * 3) / 8) * 8;
  const raw = new Uint32Array(count);
  let item = 0;
  let value = 0;
  let lastBit = 0;
  let previous = 0;
  for (const delta of normal) {
    if (delta === 0) {
      previous = (value ^ previous) >>> 0;
      raw[item++] = previous;
      value = 0;
      lastBit = 0;
      continue;
    }
    let d = delta;
    if (d === 7) {
      if (ebit + 5 > totalBits) throw new FingerprintFormatError("Fingerprint exception data ends early.");
      let extra = 0;
      for (let b = 0; b < 5; b++, ebit++) extra |= ((body[ebit >> 3]! >> (ebit & 7)) & 1) << b;
      d += extra;
    }
    lastBit += d;
    if (lastBit > 32) throw new FingerprintFormatError("Fingerprint has a bit position past 32.");
    value = (value | (1 << (lastBit - 1))) >>> 0;
  }
  return { algorithm, raw };
}
