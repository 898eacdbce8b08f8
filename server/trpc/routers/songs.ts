// songs: identify a song by fingerprint, register a new one, read one. Logic in server/services/songs.ts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  FINGERPRINT_LIMITS,
  getSong,
  identifySong,
  registerSong,
  SongInputError,
} from "../../services/songs.ts";
import { createTRPCRouter, publicProcedure } from "../init.ts";

export const fingerprintInput = z.object({
  /** fpcalc's compressed fingerprint (base64url, no padding). */
  fingerprint: z
    .string()
    .min(8, "is too short to be a fingerprint")
    .max(FINGERPRINT_LIMITS.maxChars, `is longer than ${FINGERPRINT_LIMITS.maxChars} characters`)
    .regex(/^[A-Za-z0-9_-]+$/, "must be fpcalc's compressed form (base64url letters only)"),
  /** The audio's duration in seconds. */
  duration: z
    .number()
    .positive("must be more than 0 seconds")
    .max(FINGERPRINT_LIMITS.maxDurationSeconds, "must be at most 6 hours"),
});

const label = z.string().trim().max(200, "must be at most 200 characters").optional().nullable();

/** Service input errors become BAD_REQUEST with their message; anything else stays internal. */
async function asBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SongInputError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
    throw error;
  }
}

export const songsRouter = createTRPCRouter({
  /**
   * The song a fingerprint belongs to, with its maps (canonical verified first), or no match.
   * A mutation only so the few-kilobyte fingerprint travels in a POST body rather than in a URL
   * (URLs end up in logs and have length limits); it changes nothing.
   */
  identify: publicProcedure
    .meta({ limit: "songs.identify" })
    .input(fingerprintInput)
    .mutation(({ ctx, input }) => asBadRequest(() => identifySong(ctx.db, input))),

  /** Stores a new song with its fingerprint; returns the existing song when it is already known. */
  register: publicProcedure
    .meta({ limit: "songs.register" })
    .input(fingerprintInput.extend({ title: label, artist: label, album: label }))
    .mutation(({ ctx, input }) => asBadRequest(() => registerSong(ctx.db, input))),

  /** One song with its maps, or NOT_FOUND. */
  get: publicProcedure.input(z.object({ id: z.uuid("is not a song id") })).query(async ({ ctx, input }) => {
    const song = await getSong(ctx.db, input.id);
    if (!song) throw new TRPCError({ code: "NOT_FOUND", message: "There is no song with this id." });
    return song;
  }),
});
