import type { Metadata } from "next";

export const metadata: Metadata = { title: "Verify" };

export default function VerifyPage() {
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">Verify</h1>
      <p>
        Every song gets one verified chart. Fixers propose corrections to AI drafts; verifiers (500 karma and
        a verified email) approve, reject or ask for changes.
      </p>
      <div className="empty-state" role="status">
        <p>No charts are waiting for review.</p>
      </div>
    </section>
  );
}
