import type { Metadata } from "next";

export const metadata: Metadata = { title: "Library" };

export default function LibraryPage() {
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Library</h1>
      <p>Charts you open or generate are kept on this device, so you can practise them offline.</p>
      <div className="empty-state" role="status">
        <p>Your library is empty.</p>
        <p>
          <a href="/">Add a song</a> to get started.
        </p>
      </div>
    </section>
  );
}
