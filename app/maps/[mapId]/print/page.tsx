import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { parseLevel } from "@/lib/practice/levels.ts";
import { PrintView } from "../../../_components/notation/print-view.tsx";

export const metadata: Metadata = { title: "Print the notation" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function PrintPage({
  params,
  searchParams,
}: {
  params: Promise<{ mapId: string }>;
  searchParams: Promise<{
    version?: string | string[];
    paper?: string | string[];
    level?: string | string[];
  }>;
}) {
  const { mapId } = await params;
  const { version, paper, level } = await searchParams;
  if (!UUID.test(mapId)) notFound();
  const versionId = typeof version === "string" && UUID.test(version) ? version : null;
  return (
    <PrintView
      mapId={mapId}
      versionId={versionId}
      paper={paper === "letter" ? "letter" : "a4"}
      level={parseLevel(typeof level === "string" ? level : undefined)}
    />
  );
}
