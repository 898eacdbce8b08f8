// Tracing is optional: unset, nothing loads and traced() only calls through; set without the SDK,
// the process is told what to install.
import { describe, expect, it, vi } from "vitest";
import { startTracing, TRACING_PACKAGES, traced } from "./telemetry.ts";

describe("startTracing", () => {
  it("loads nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset", async () => {
    const load = vi.fn(async (name: string) => import(name));
    expect(await startTracing("beatsight-web", { config: {}, load })).toBeNull();
    expect(load).not.toHaveBeenCalled();
    // And spans cost nothing: the function runs as it is.
    expect(await traced("work", { a: 1 }, async () => 42)).toBe(42);
    await expect(
      traced("work", {}, async () => {
        throw new Error("kept");
      }),
    ).rejects.toThrow("kept");
  });

  it("says what to install when the setting is there but the SDK is not", async () => {
    // The SDK is not one of this project's dependencies, so the real import fails here.
    const started = startTracing("beatsight-web", {
      config: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" },
    });
    await expect(started).rejects.toThrow(`npm install --no-save ${TRACING_PACKAGES.join(" ")}`);
    await expect(started).rejects.toThrow("or unset OTEL_EXPORTER_OTLP_ENDPOINT");
  });
});
