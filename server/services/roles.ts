// Appointed roles (curator, admin). Admins appoint and remove them; every change is audited.
// Earned roles (fixer, verifier, curator by karma) are derived in server/auth/permissions.ts and
// cannot be granted or taken here.
import { effectiveRoles, karmaOf } from "../auth/permissions.ts";
import type { Db } from "../db/client.ts";
import { audit } from "./audit.ts";
import { badRequest, conflict, notFound } from "./community-errors.ts";

export type AppointedRole = "curator" | "admin";
export const APPOINTED_ROLES: readonly AppointedRole[] = ["curator", "admin"];

export interface PersonWithRoles {
  id: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  karma: number;
  appointed: { role: string; grantedAt: Date; grantedBy: string | null }[];
  effective: string[];
}

async function describePerson(db: Db, userId: string): Promise<PersonWithRoles> {
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { roles: { include: { grantedBy: { select: { displayName: true } } } } },
  });
  if (!user) throw notFound("There is no such user.");
  const karma = await karmaOf(db, userId);
  const appointed = new Set(user.roles.map((r) => r.roleName));
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    emailVerified: user.emailVerifiedAt !== null,
    karma,
    appointed: user.roles.map((r) => ({
      role: r.roleName,
      grantedAt: r.grantedAt,
      grantedBy: r.grantedBy?.displayName ?? null,
    })),
    effective: [
      ...effectiveRoles({ userId, emailVerified: user.emailVerifiedAt !== null, karma, appointed }),
    ],
  };
}

/** Everyone holding an appointed role, plus the person with `email` when given (to appoint them). */
export async function listAppointments(
  db: Db,
  email?: string,
): Promise<{ holders: PersonWithRoles[]; found: PersonWithRoles | null }> {
  const holders = await db.userRole.findMany({ select: { userId: true }, distinct: ["userId"], take: 500 });
  const people = await Promise.all(holders.map((h) => describePerson(db, h.userId)));
  let found: PersonWithRoles | null = null;
  if (email) {
    const user = await db.user.findUnique({
      where: { email: email.trim().toLowerCase() },
      select: { id: true },
    });
    found = user ? await describePerson(db, user.id) : null;
  }
  return { holders: people.sort((a, b) => a.displayName.localeCompare(b.displayName)), found };
}

interface RoleChange {
  actorId: string;
  userId: string;
  role: AppointedRole;
  ip?: string | null;
}

export async function appointRole(db: Db, change: RoleChange): Promise<PersonWithRoles> {
  if (!APPOINTED_ROLES.includes(change.role)) throw badRequest("Only curator and admin can be appointed.");
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: change.userId },
      select: { emailVerifiedAt: true },
    });
    if (!user) throw notFound("There is no such user.");
    if (!user.emailVerifiedAt) {
      throw badRequest(
        "This person has not verified their email yet; roles apply only to verified accounts.",
      );
    }
    const written = await tx.userRole.createMany({
      data: [{ userId: change.userId, roleName: change.role, grantedById: change.actorId }],
      skipDuplicates: true,
    });
    if (written.count === 0)
      throw conflict(`This person is already ${change.role === "admin" ? "an admin" : "a curator"}.`);
    await audit(tx, {
      actorId: change.actorId,
      action: "role.grant",
      subjectType: "user",
      subjectId: change.userId,
      details: { role: change.role },
      ip: change.ip ?? null,
    });
  });
  return describePerson(db, change.userId);
}

export async function revokeRole(db: Db, change: RoleChange): Promise<PersonWithRoles> {
  await db.$transaction(async (tx) => {
    // Serialise role removals so two admins removing each other cannot leave nobody in charge.
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('roles:revoke'))) l`;
    if (change.role === "admin") {
      const admins = await tx.userRole.count({ where: { roleName: "admin" } });
      const isAdmin = await tx.userRole.count({ where: { roleName: "admin", userId: change.userId } });
      if (isAdmin && admins <= 1) throw conflict("This is the last admin; appoint another admin first.");
    }
    const removed = await tx.userRole.deleteMany({ where: { userId: change.userId, roleName: change.role } });
    if (removed.count === 0)
      throw conflict(
        `This person is not ${change.role === "admin" ? "an admin" : "a curator"} by appointment.`,
      );
    await audit(tx, {
      actorId: change.actorId,
      action: "role.revoke",
      subjectType: "user",
      subjectId: change.userId,
      details: { role: change.role },
      ip: change.ip ?? null,
    });
  });
  return describePerson(db, change.userId);
}
