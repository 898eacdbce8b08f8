// Next.js calls register() once when a server process starts, before it serves requests. The
// Node-only boot (database start + migrations) lives in server/boot.ts so the edge bundle never
// sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Loading the boot already reads the configuration (modules make their loggers as they load),
    // so an invalid setting can fail here, before bootServer's own handler: stop with its message
    // rather than leave a server up that cannot serve.
    const boot = await import("./server/boot.ts").catch((error: unknown) => {
      console.error(
        `\nBeatSight could not start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    });
    await boot.bootServer();
  }
}
