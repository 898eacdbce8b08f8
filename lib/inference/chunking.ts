// Long audio runs through a model in overlapping chunks so memory stays bounded (a 10-minute song
// is never one tensor). Each chunk contributes only its "keep" region: the overlap at an inner
// edge is discarded, where the model lacked context. Keep regions tile the audio exactly, so the
// stitched result has no gaps, no doubled frames and no seams from edge effects.

export interface Chunk {
  index: number;
  /**
   * Samples [start, start + length) are fed to the model (zero-padded past the end). The last chunk
   * is only as long as the audio left (rounded up to `align`), so a short song is not padded to a
   * whole chunk of silence.
   */
  start: number;
  length: number;
  /** The samples [keepFrom, keepTo) of the output this chunk is responsible for. */
  keepFrom: number;
  keepTo: number;
}

export interface ChunkOptions {
  chunkSamples: number;
  overlapSamples: number;
  /** Chunk starts are multiples of this (a model's hop), so frames line up across chunks. */
  align?: number;
}

export function planChunks(totalSamples: number, options: ChunkOptions): Chunk[] {
  const align = options.align ?? 1;
  const { chunkSamples, overlapSamples } = options;
  if (chunkSamples % align !== 0 || overlapSamples % (2 * align) !== 0) {
    throw new Error(
      `Chunk (${chunkSamples}) must be a multiple of ${align}, overlap (${overlapSamples}) of ${2 * align}`,
    );
  }
  if (overlapSamples >= chunkSamples) throw new Error("Overlap must be shorter than a chunk");
  if (totalSamples <= 0) return [];
  const step = chunkSamples - overlapSamples;
  const half = overlapSamples / 2;
  const chunks: Chunk[] = [];
  for (let start = 0, index = 0; ; start += step, index++) {
    const last = start + chunkSamples >= totalSamples;
    chunks.push({
      index,
      start,
      length: last ? Math.ceil((totalSamples - start) / align) * align : chunkSamples,
      keepFrom: index === 0 ? 0 : start + half,
      keepTo: last ? totalSamples : start + chunkSamples - half,
    });
    if (last) return chunks;
  }
}

/** The chunk's input: a copy of the samples, zero-padded to the chunk length. */
export function chunkInput(samples: Float32Array, chunk: Chunk): Float32Array {
  const out = new Float32Array(chunk.length);
  out.set(samples.subarray(chunk.start, Math.min(samples.length, chunk.start + chunk.length)));
  return out;
}

/**
 * Writes a chunk's frame-wise output (frames × columns, row-major; frame f at sample start + f·hop)
 * into the whole-song output (totalFrames × columns), keeping only the chunk's keep region.
 */
export function stitchFrames(
  target: Float32Array,
  chunkOutput: Float32Array,
  chunk: Chunk,
  hop: number,
  columns: number,
): void {
  const totalFrames = target.length / columns;
  const firstFrame = Math.ceil(chunk.keepFrom / hop);
  const endFrame = Math.min(totalFrames, Math.ceil(chunk.keepTo / hop));
  const chunkFrames = chunkOutput.length / columns;
  const offset = chunk.start / hop;
  for (let g = firstFrame; g < endFrame; g++) {
    const local = g - offset;
    if (local < 0 || local >= chunkFrames) continue;
    target.set(chunkOutput.subarray(local * columns, (local + 1) * columns), g * columns);
  }
}

/** Writes a chunk's waveform output (length samples) into the whole-song waveform, keep region only. */
export function stitchSamples(target: Float32Array, chunkOutput: Float32Array, chunk: Chunk): void {
  const from = chunk.keepFrom;
  const to = Math.min(chunk.keepTo, target.length);
  target.set(chunkOutput.subarray(from - chunk.start, to - chunk.start), from);
}
