// How an API error reaches a person: the server's message (already written for people), in a
// live region so screen readers announce it.
export function ErrorMessage({ error, action }: { error: unknown; action?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="error">
      {message}
      {action ? ` ${action}` : null}
    </p>
  );
}
