// lib/fingerprint: Chromaprint-compatible fingerprints (fpcalc's defaults) for the browser worker,
// Node and the server. This barrel is environment-free; Node-only code is in ./node.ts and
// ./wasm-source-node.ts, the Worker entry in ./worker.ts.
export {
  CHROMAPRINT_ALGORITHM_DEFAULT,
  ChromaprintSession,
  DEFAULT_MAX_DURATION_SECONDS,
  FINGERPRINT_SAMPLE_RATE,
  type Fingerprint,
  fingerprintPcm,
  MIN_AUDIO_SECONDS,
  type SessionOptions,
} from "./chromaprint.ts";
export { type ChromaprintExports, instantiateChromaprint, type WasmSource } from "./chromaprint-wasm.ts";
export {
  type Alignment,
  type AlignmentOptions,
  bestAlignment,
  bitErrorRateAt,
  ITEMS_PER_SECOND,
  identicalBitShare,
  MATCH_MAX_BER,
  popcount32,
} from "./compare.ts";
export {
  compressFingerprint,
  type DecodedFingerprint,
  decompressFingerprint,
  FingerprintFormatError,
} from "./compress.ts";
export { FingerprintError, type FingerprintErrorCode, isFingerprintError } from "./errors.ts";
export { extractLookupHashes, LOOKUP_HASH_BITS, type LookupHashOptions, lookupHash } from "./lookup-hash.ts";
