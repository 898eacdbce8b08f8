import type { Metadata } from "next";
import { ServerJobView } from "../../_components/jobs/server-job-view.tsx";

export const metadata: Metadata = { title: "Server job" };

/** Where a job notification leads: the live status, then the chart saved to this device. */
export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <section aria-labelledby="job-title">
      <h1 id="job-title">Your song on the server</h1>
      <ServerJobView jobId={id} />
    </section>
  );
}
