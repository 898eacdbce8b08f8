// Free users get a number of server generations per calendar month (UTC). Only new jobs count:
// joining a job someone else started, or getting a chart that already exists, costs the server
// nothing and so costs the user nothing. Appointed admins are not limited.
import type { Db } from "../db/client.ts";

export interface Allowance {
  limit: number | null;
  used: number;
  remaining: number;
  /** First moment of the next month, when the allowance renews. */
  renewsAt: Date;
  /** A sentence for the user. */
  message: string;
}

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export function describeAllowance(limit: number | null, used: number, now: Date): Allowance {
  const renewsAt = nextMonthStart(now);
  if (limit === null) {
    return {
      limit,
      used,
      remaining: Number.POSITIVE_INFINITY,
      renewsAt,
      message: "No monthly limit applies to you.",
    };
  }
  const remaining = Math.max(0, limit - used);
  const renews = renewsAt.toLocaleDateString("en-GB", { day: "numeric", month: "long", timeZone: "UTC" });
  const message =
    remaining > 0
      ? `${remaining} of ${limit} server generations left this month (renews on ${renews}).`
      : `You have used all ${limit} server generations for this month; they renew on ${renews}. Until then, generate the chart in this browser (free, and the audio stays on your device).`;
  return { limit, used, remaining, renewsAt, message };
}

export async function monthlyAllowance(
  db: Db,
  userId: string,
  limit: number,
  now = new Date(),
): Promise<Allowance> {
  const admin = await db.userRole.findFirst({
    where: { userId, roleName: "admin" },
    select: { userId: true },
  });
  const used = await db.jobRequest.count({
    where: { userId, outcome: "new_job", createdAt: { gte: monthStart(now) } },
  });
  return describeAllowance(admin ? null : limit, used, now);
}
