"use client";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section aria-labelledby="err-title">
      <h1 id="err-title">Something went wrong</h1>
      <p role="alert">
        {error.message || "An unexpected error occurred."}
        {error.digest ? ` (reference ${error.digest})` : ""}
      </p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
