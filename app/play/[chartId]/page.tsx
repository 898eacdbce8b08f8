import type { Metadata } from "next";
import { Player } from "../../_components/play/player.tsx";

export const metadata: Metadata = { title: "Practise" };

export default async function PlayPage({ params }: { params: Promise<{ chartId: string }> }) {
  const { chartId } = await params;
  return (
    <section aria-labelledby="play-title" className="play-page">
      <Player chartId={chartId} />
    </section>
  );
}
