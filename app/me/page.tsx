import type { Metadata } from "next";
import { MeView } from "./me-view.tsx";

export const metadata: Metadata = { title: "Your account" };

export default function MePage() {
  return (
    <section aria-labelledby="me-title">
      <h1 id="me-title">Your account</h1>
      <MeView />
    </section>
  );
}
