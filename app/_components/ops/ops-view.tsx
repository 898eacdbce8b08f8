"use client";
// /ops for admins: spend and projection against the budget (with a banner when over), $ per new
// song, dedup and browser shares, the 1k/10k/50k MAU projection beside the seed's, failed jobs.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";

const usd = (x: number | null, digits = 2) => (x === null ? "—" : `$${x.toFixed(digits)}`);
const pct = (x: number | null) => (x === null ? "no data yet" : `${Math.round(x * 100)} %`);

export function OpsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const summary = useQuery(trpc.ops.summary.queryOptions(undefined, { refetchInterval: 30_000 }));
  const failed = useQuery(trpc.ops.failedJobs.queryOptions());
  const retry = useMutation(
    trpc.ops.retry.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.ops.failedJobs.queryFilter()),
    }),
  );
  if (summary.error) return <ErrorMessage error={summary.error} />;
  const s = summary.data;
  if (!s) return <p role="status">Loading…</p>;
  return (
    <div className="ops">
      {s.overBudget ? (
        <p role="alert" className="error" data-testid="budget-banner">
          Projected spend for {s.month} is {usd(s.projectedMonthUsd)}, over the monthly budget of{" "}
          {usd(s.budgetUsd)}. Lower the free quota (FREE_MONTHLY_SERVER_JOBS) or raise MONTHLY_BUDGET_USD.
        </p>
      ) : null}
      <section className="card" aria-labelledby="ops-month">
        <h2 id="ops-month">This month ({s.month})</h2>
        <dl data-testid="ops-summary">
          <dt>Spent</dt>
          <dd>
            {usd(s.spentUsd, 4)} (
            {Object.entries(s.spentByKind)
              .map(([k, v]) => `${k} ${usd(v, 4)}`)
              .join(", ") || "nothing yet"}
            )
          </dd>
          <dt>Projected for the month</dt>
          <dd>
            {usd(s.projectedMonthUsd)} of a {usd(s.budgetUsd)} budget
          </dd>
          <dt>Songs generated on the server</dt>
          <dd>
            {s.serverSongs} · {usd(s.costPerServerSongUsd, 4)} per new song (seed: $0.051–0.06)
          </dd>
          <dt>Server seconds per minute of audio</dt>
          <dd>
            {s.secondsPerAudioMinute.cpu ?? "—"} CPU s · {s.secondsPerAudioMinute.wall ?? "—"} wall s
          </dd>
          <dt>Requests answered by dedup</dt>
          <dd>
            {pct(s.requests.dedupShare)} ({s.requests.existingMap} existing charts, {s.requests.joined} joined
            jobs, {s.requests.newJob} new jobs)
          </dd>
          <dt>Charts made on the server vs in browsers</dt>
          <dd>
            {s.generated.server} vs {s.generated.browser} ({pct(s.generated.serverShare)} on the server)
          </dd>
          <dt>Jobs</dt>
          <dd>
            {s.jobs.queued} queued, {s.jobs.processing} processing, {s.jobs.complete} complete,{" "}
            {s.jobs.failed} failed
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="ops-projection">
        <h2 id="ops-projection">Monthly cost by active users</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">MAU</th>
              <th scope="col">Projected here</th>
              <th scope="col">Seed model</th>
            </tr>
          </thead>
          <tbody>
            {s.projections.map((p) => (
              <tr key={p.mau}>
                <td>{p.mau.toLocaleString("en")}</td>
                <td>{usd(p.monthlyUsd)}</td>
                <td>{usd(p.seedMonthlyUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Basis: {s.projections[0]?.basis}. Each user brings 2 new songs a month (seed). Prices: GPU{" "}
          {usd(s.prices.gpuSecond, 6)}/s, CPU {usd(s.prices.cpuSecond, 6)}/s, email {usd(s.prices.email, 4)}.
        </p>
      </section>
      <section className="card" aria-labelledby="ops-deliveries">
        <h2 id="ops-deliveries">Notification deliveries</h2>
        <p data-testid="ops-deliveries">
          {s.deliveries.pending} emails and pushes waiting or being retried, {s.deliveries.dead} given up
          after every attempt.
        </p>
        {s.deliveries.recentDead.length > 0 ? (
          <ul aria-label="Deliveries given up, newest first">
            {s.deliveries.recentDead.map((d) => (
              <li key={d.id}>
                <strong>
                  {d.channel} · {d.kind}
                </strong>{" "}
                — {d.lastError ?? "no error recorded"} ({d.attempts} attempts,{" "}
                {new Date(d.createdAt).toLocaleString()})
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="card" aria-labelledby="ops-failed">
        <h2 id="ops-failed">Failed jobs (dead letters)</h2>
        <ErrorMessage error={failed.error ?? retry.error} />
        {failed.data ? (
          <>
            <p className="muted">{failed.data.deadLetters} in the dead-letter queue.</p>
            {failed.data.jobs.length === 0 ? <p>None.</p> : null}
            <ul>
              {failed.data.jobs.map((j) => (
                <li key={j.id}>
                  <strong>{j.uploadName ?? j.id}</strong> — {j.error} ({j.attempts} attempts
                  {j.finishedAt ? `, ${new Date(j.finishedAt).toLocaleString()}` : ""}){" "}
                  {j.uploadDeletedAt ? (
                    <span className="muted">audio deleted</span>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => retry.mutate({ id: j.id })}
                      disabled={retry.isPending}
                    >
                      Retry
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </div>
  );
}
