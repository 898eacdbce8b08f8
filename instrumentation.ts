// Next.js calls register() once when a server process starts, before it serves requests. The
// Node-only boot (database start + migrations) lives in server/boot.ts so the edge bundle never
// sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootServer } = await import("./server/boot.ts");
    await bootServer();
  }
}
