// Structured logging (pino). One root logger; modules take a child with their name so log lines
// say where they came from.
import pino from "pino";
import { env } from "./env.ts";

const g = globalThis as typeof globalThis & { __beatsightLogger?: pino.Logger };

export function logger(): pino.Logger {
  g.__beatsightLogger ??= pino({ level: env().LOG_LEVEL, base: { app: "beatsight" } });
  return g.__beatsightLogger;
}

export function moduleLogger(module: string): pino.Logger {
  return logger().child({ module });
}
