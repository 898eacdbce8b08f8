// The operator's view of server generation: this month's spend and its projection against the
// budget, $ per new song, how much dedup and browsers save, the projection at 1k/10k/50k MAU
// beside the seed's, the jobs that ended in the dead-letter state, and notification deliveries
// (emails, pushes) waiting or given up.
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";
import { moduleLogger } from "../log.ts";
import { type DeliverySummary, deliverySummary } from "../notifications/deliveries.ts";
import { wakeNotificationDelivery } from "../notifications/delivery-loop.ts";
import { notify } from "../notifications/notify.ts";
import type { JobsConfig } from "./config.ts";
import { type Projection, projectMonthlyCost, projectThisMonth } from "./costs.ts";
import { monthStart } from "./quota.ts";

const log = moduleLogger("ops");

export interface OpsSummary {
  month: string;
  spentUsd: number;
  spentByKind: Record<string, number>;
  projectedMonthUsd: number;
  budgetUsd: number;
  overBudget: boolean;
  jobs: { queued: number; processing: number; complete: number; failed: number; cancelled: number };
  serverSongs: number;
  costPerServerSongUsd: number | null;
  /** Requests answered without generating: an existing chart, or joining a running job. */
  requests: { total: number; existingMap: number; joined: number; newJob: number; dedupShare: number | null };
  /** Charts generated this month by where they were made. */
  generated: { server: number; browser: number; serverShare: number | null };
  secondsPerAudioMinute: { cpu: number | null; wall: number | null };
  projections: Projection[];
  prices: { gpuSecond: number; cpuSecond: number; email: number; push: number };
  /** Emails and pushes waiting to be sent (or retried), and those given up after every attempt. */
  deliveries: DeliverySummary;
}

type OpsConfig = Pick<
  JobsConfig,
  | "MONTHLY_BUDGET_USD"
  | "PRICE_GPU_SECOND_USD"
  | "PRICE_CPU_SECOND_USD"
  | "PRICE_EMAIL_USD"
  | "PRICE_PUSH_USD"
>;

export async function opsSummary(db: Db, config: OpsConfig, now = new Date()): Promise<OpsSummary> {
  const since = monthStart(now);
  const spent = await db.costRecord.groupBy({
    by: ["kind"],
    where: { createdAt: { gte: since } },
    _sum: { amountUsd: true },
  });
  const spentByKind = Object.fromEntries(spent.map((r) => [r.kind, Number(r._sum.amountUsd ?? 0)]));
  const spentUsd = Object.values(spentByKind).reduce((a, b) => a + b, 0);

  const states = await db.aiJob.groupBy({
    by: ["state"],
    where: { createdAt: { gte: since } },
    _count: true,
  });
  const jobs = { queued: 0, processing: 0, complete: 0, failed: 0, cancelled: 0 };
  for (const s of states) jobs[s.state] = s._count;

  const outcomes = await db.jobRequest.groupBy({
    by: ["outcome"],
    where: { createdAt: { gte: since } },
    _count: true,
  });
  const count = (o: string) => outcomes.find((r) => r.outcome === o)?._count ?? 0;
  const total = outcomes.reduce((s, r) => s + r._count, 0);
  const existingMap = count("existing_map");
  const joined = count("joined");

  // Server-made charts carry backend node-*; browser-made ones webgpu or wasm.
  const made = await db.$queryRaw<{ server: bigint; browser: bigint }[]>`
    SELECT count(*) FILTER (WHERE generation->>'backend' LIKE 'node-%') AS server,
           count(*) FILTER (WHERE generation->>'backend' IS NOT NULL AND generation->>'backend' NOT LIKE 'node-%') AS browser
      FROM map_versions WHERE source = 'ai' AND created_at >= ${since}`;
  const server = Number(made[0]?.server ?? 0);
  const browser = Number(made[0]?.browser ?? 0);

  const rates = await db.$queryRaw<{ cpu: number | null; wall: number | null }[]>`
    SELECT sum((stage_seconds->>'cpu')::float8) / NULLIF(sum(audio_seconds) / 60, 0) AS cpu,
           sum(EXTRACT(EPOCH FROM finished_at - started_at)) / NULLIF(sum(audio_seconds) / 60, 0) AS wall
      FROM ai_jobs WHERE state = 'complete' AND stage_seconds ? 'cpu' AND finished_at >= ${since}`;

  const costPerServerSongUsd = jobs.complete > 0 ? round(spentUsd / jobs.complete, 6) : null;
  const dedupShare = total > 0 ? round((existingMap + joined) / total, 4) : null;
  const serverShare = server + browser > 0 ? round(server / (server + browser), 4) : null;
  const projectedMonthUsd = projectThisMonth(spentUsd, now);
  return {
    month: since.toISOString().slice(0, 7),
    spentUsd: round(spentUsd, 6),
    spentByKind,
    projectedMonthUsd,
    budgetUsd: config.MONTHLY_BUDGET_USD,
    overBudget: projectedMonthUsd > config.MONTHLY_BUDGET_USD,
    jobs,
    serverSongs: jobs.complete,
    costPerServerSongUsd,
    requests: { total, existingMap, joined, newJob: count("new_job"), dedupShare },
    generated: { server, browser, serverShare },
    secondsPerAudioMinute: {
      cpu: rates[0]?.cpu == null ? null : round(Number(rates[0].cpu), 2),
      wall: rates[0]?.wall == null ? null : round(Number(rates[0].wall), 2),
    },
    projections: projectMonthlyCost({ costPerServerSongUsd, dedupShare, serverShare }),
    prices: {
      gpuSecond: config.PRICE_GPU_SECOND_USD,
      cpuSecond: config.PRICE_CPU_SECOND_USD,
      email: config.PRICE_EMAIL_USD,
      push: config.PRICE_PUSH_USD,
    },
    deliveries: await deliverySummary(db),
  };
}

/**
 * When this month's projection crosses the budget, every admin is told once per month (in-app,
 * push, email through the notification outbox, in the transaction that records the alert); /ops
 * shows a banner for as long as it stays over.
 */
export async function checkBudget(db: Db, config: OpsConfig, now = new Date()): Promise<boolean> {
  const summary = await opsSummary(db, config, now);
  if (!summary.overBudget) return false;
  const key = `budget-alert:${summary.month}`;
  const alert = {
    title: "BeatSight is projected over its monthly budget",
    body: `Server generation has cost $${summary.spentUsd.toFixed(2)} so far in ${summary.month}, on course for $${summary.projectedMonthUsd.toFixed(2)} against a budget of $${summary.budgetUsd.toFixed(2)}. Lower the free quota or raise the budget.`,
    url: "/ops",
  };
  try {
    await db.$transaction(async (tx) => {
      await tx.serverSetting.create({
        data: {
          key,
          value: {
            projectedUsd: summary.projectedMonthUsd,
            budgetUsd: summary.budgetUsd,
            at: now.toISOString(),
          },
        },
      });
      const admins = await tx.userRole.findMany({ where: { roleName: "admin" }, select: { userId: true } });
      for (const { userId } of admins) await notify(tx, userId, "ops.budget", alert);
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return false; // already sent
    throw error;
  }
  log.warn({ projected: summary.projectedMonthUsd, budget: summary.budgetUsd }, "budget alert");
  wakeNotificationDelivery();
  return true;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
