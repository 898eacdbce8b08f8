// Serves SoundTouch's AudioWorklet processor (from @soundtouchjs/audio-worklet) same-origin, so
// the cross-origin-isolated player can load it with audioWorklet.addModule().
import { readFile } from "node:fs/promises";
import path from "node:path";
import { guarded } from "@/server/http/guard.ts";

export const dynamic = "force-static";

export const GET = guarded({ session: "none" }, async () => {
  const file = path.join(
    process.cwd(),
    "node_modules/@soundtouchjs/audio-worklet/.dist/soundtouch-processor.js",
  );
  try {
    const body = await readFile(file, "utf8");
    return new Response(body, {
      headers: {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=86400",
      },
    });
  } catch {
    return new Response("// The time-stretch processor is not installed on this server (npm ci).", {
      status: 503,
      headers: { "Content-Type": "text/javascript; charset=utf-8" },
    });
  }
});
