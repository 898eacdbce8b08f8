import type { Metadata } from "next";
import { LocalEditor } from "../../../_components/editor/local-editor.tsx";

export const metadata: Metadata = { title: "Edit chart" };

export default async function EditLocalPage({ params }: { params: Promise<{ chartId: string }> }) {
  const { chartId } = await params;
  return <LocalEditor chartId={chartId} />;
}
