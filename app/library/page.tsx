import type { Metadata } from "next";
import { LibraryView } from "./library-view.tsx";

export const metadata: Metadata = { title: "Library" };

export default function LibraryPage() {
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Library</h1>
      <p>Charts you open or generate are kept on this device, so you can practise them offline.</p>
      <LibraryView />
    </section>
  );
}
