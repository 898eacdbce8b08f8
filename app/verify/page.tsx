import type { Metadata } from "next";
import { VerifyQueue } from "./verify-queue.tsx";

export const metadata: Metadata = { title: "Verify" };

export default function VerifyPage() {
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">Verify</h1>
      <p>
        Every song gets one verified chart. Fixers propose corrections to AI drafts; verifiers (500 karma and
        a verified email) approve, reject or ask for changes — always with a reason the author will read.
      </p>
      <VerifyQueue />
    </section>
  );
}
