// What went wrong with a passkey ceremony, for people. The browser reports a cancelled or
// timed-out prompt as NotAllowedError; the server's refusals arrive as tRPC errors with a sentence.
export function passkeyErrorMessage(error: unknown, doing: "sign in" | "add a passkey"): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return doing === "sign in"
      ? "The passkey prompt was closed or timed out. Try again, or sign in with your email and password."
      : "The passkey prompt was closed or timed out. Nothing was added; try again when ready.";
  }
  if (name === "InvalidStateError") return "This device already holds a passkey for your account.";
  if (name === "NotSupportedError" || name === "SecurityError") {
    return "This browser cannot use passkeys here. Use your email and password instead.";
  }
  return error instanceof Error ? error.message : String(error);
}
