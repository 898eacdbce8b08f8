// Draws the app icons (PNG) the web app manifest names: a note highway of seven coloured lanes,
// notes falling onto the hit line. Run once when the design changes; the PNGs are committed.
//   node scripts/make-icons.mjs
import { writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

const out = path.join(import.meta.dirname, "..", "public", "icons");
const BG = [0x0f, 0x11, 0x15];
const LINE = [0xff, 0xb0, 0x20];
const LANES = ["#f5c542", "#47c8ff", "#ff5a5f", "#b084f5", "#3ecf8e", "#ff9f43", "#f78fb3"].map((h) => [
  Number.parseInt(h.slice(1, 3), 16),
  Number.parseInt(h.slice(3, 5), 16),
  Number.parseInt(h.slice(5, 7), 16),
]);
// Notes as (lane, height from the top, 0–1): a groove in the making.
const NOTES = [
  [1, 0.2],
  [2, 0.28],
  [3, 0.36],
  [1, 0.44],
  [0, 0.52],
  [3, 0.52],
  [5, 0.6],
  [2, 0.68],
  [4, 0.3],
  [6, 0.4],
];

function crcTable() {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC = crcTable();
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** `safe`: the share of the icon the artwork may use (maskable icons keep it inside the centre 80 %). */
function artwork(safe, rounded) {
  const m = (1 - safe) / 2;
  return (u, v) => {
    if (rounded) {
      // Rounded-square silhouette for "any" icons; corners transparent.
      const r = 0.18;
      const cx = Math.min(Math.max(u, r), 1 - r);
      const cy = Math.min(Math.max(v, r), 1 - r);
      if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return [0, 0, 0, 0];
    }
    const x = (u - m) / safe;
    const y = (v - m) / safe;
    if (x < 0.1 || x > 0.9 || y < 0.12 || y > 0.88) return [...BG, 255];
    const laneW = 0.8 / 7;
    const lane = Math.min(6, Math.floor((x - 0.1) / laneW));
    const inLane = (x - 0.1 - lane * laneW) / laneW;
    if (Math.abs(y - 0.78) < 0.018) return [...LINE, 255]; // hit line
    for (const [l, h] of NOTES) {
      if (l === lane && inLane > 0.12 && inLane < 0.88 && Math.abs(y - (0.12 + h * 0.66)) < 0.03) {
        return [...LANES[lane], 255];
      }
    }
    // Lane floor: the lane's colour, dimmed.
    const [r, g, b] = LANES[lane];
    const k = inLane < 0.04 || inLane > 0.96 ? 0.08 : 0.16;
    return [
      Math.round(BG[0] + (r - BG[0]) * k),
      Math.round(BG[1] + (g - BG[1]) * k),
      Math.round(BG[2] + (b - BG[2]) * k),
      255,
    ];
  };
}

const icons = [
  ["icon-192.png", 192, artwork(1, true)],
  ["icon-512.png", 512, artwork(1, true)],
  ["maskable-192.png", 192, artwork(0.8, false)],
  ["maskable-512.png", 512, artwork(0.8, false)],
  ["apple-touch-icon.png", 180, artwork(0.9, false)],
  ["shortcut-library-96.png", 96, artwork(1, true)],
];
for (const [name, size, pixel] of icons) {
  writeFileSync(path.join(out, name), png(size, pixel));
  console.log(`public/icons/${name} (${size}×${size})`);
}
