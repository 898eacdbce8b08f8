import type { Metadata } from "next";
import { LocalEditor } from "../../../_components/editor/local-editor.tsx";

export const metadata: Metadata = { title: "Edit chart" };

export default async function EditLocalPage({
  params,
  searchParams,
}: {
  params: Promise<{ chartId: string }>;
  searchParams: Promise<{ tools?: string | string[] }>;
}) {
  const { chartId } = await params;
  const { tools } = await searchParams;
  return <LocalEditor chartId={chartId} {...(tools === "timing" ? { openTools: "timing" as const } : {})} />;
}
