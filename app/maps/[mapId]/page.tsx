import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MapView } from "./map-view.tsx";

export const metadata: Metadata = { title: "Chart" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function MapPage({ params }: { params: Promise<{ mapId: string }> }) {
  const { mapId } = await params;
  if (!UUID.test(mapId)) notFound();
  return <MapView mapId={mapId} />;
}
