import type { Metadata } from "next";
import { MapEditor } from "../../_components/editor/map-editor.tsx";

export const metadata: Metadata = { title: "Edit chart" };

export default async function EditMapPage({
  params,
  searchParams,
}: {
  params: Promise<{ mapId: string }>;
  searchParams: Promise<{ version?: string | string[]; tools?: string | string[] }>;
}) {
  const { mapId } = await params;
  const { version, tools } = await searchParams;
  return (
    <MapEditor
      mapId={mapId}
      {...(typeof version === "string" ? { versionId: version } : {})}
      {...(tools === "timing" ? { openTools: "timing" as const } : {})}
    />
  );
}
