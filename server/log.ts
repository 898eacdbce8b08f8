// Structured logging (pino). One root logger; modules take a child with their name so log lines
// say where they came from.
import pino from "pino";
import { env } from "./env.ts";
import { currentRequestContext } from "./request-context.ts";

const g = globalThis as typeof globalThis & { __beatsightLogger?: pino.Logger };

export function logger(): pino.Logger {
  g.__beatsightLogger ??= createLogger(env().LOG_LEVEL);
  return g.__beatsightLogger;
}

export function moduleLogger(module: string): pino.Logger {
  return logger().child({ module });
}

/** The root logger's configuration, writing to `destination` (stdout by default; tests read lines). */
export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: "beatsight" },
    // Every line written while serving a request or working a job names it (request-context.ts),
    // unless the line or its logger already does (the guard's request logger binds requestId).
    mixin(line, _level, instance) {
      const context = currentRequestContext();
      if (!context) return {};
      const bound = instance.bindings();
      const extra: Record<string, string> = {};
      for (const [key, value] of Object.entries(context)) {
        if (value !== undefined && !(key in line) && !(key in bound)) extra[key] = value;
      }
      return extra;
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
