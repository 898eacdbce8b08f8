// Who may do what. Roles come from two places, exactly as PRODUCT.md says: karma (the sum of the
// append-only ledger) earns fixer/verifier/curator, and appointment (user_roles) grants curator and
// admin. Every privileged tRPC procedure names an Action; the check happens on the server, always.
import type { Db } from "../db/client.ts";

export type Role = "fixer" | "verifier" | "curator" | "admin";

export const KARMA_FOR = { verifier: 500, curator: 2000 } as const;

/** What the server knows about the person acting, loaded once per request that needs it. */
export interface Actor {
  userId: string;
  emailVerified: boolean;
  karma: number;
  /** Roles granted in user_roles (appointed). */
  appointed: ReadonlySet<string>;
}

/** The roles an actor holds now. Appointed roles still need a verified email, like earned ones. */
export function effectiveRoles(actor: Actor): Set<Role> {
  const roles = new Set<Role>();
  if (!actor.emailVerified) return roles;
  roles.add("fixer");
  if (actor.karma >= KARMA_FOR.verifier) roles.add("verifier");
  if (actor.karma >= KARMA_FOR.curator || actor.appointed.has("curator")) roles.add("curator");
  if (actor.appointed.has("admin")) roles.add("admin");
  // Higher roles include the lower ones: a curator can verify, an admin can do everything.
  if (roles.has("admin")) roles.add("curator");
  if (roles.has("curator")) roles.add("verifier");
  return roles;
}

/**
 * Every privileged action and the least role that may take it. Add an action here, then guard the
 * procedure with `permittedProcedure("<action>")` (server/trpc/init.ts); the permission-matrix test
 * walks this table, so a new action is tested for every role without writing a new test.
 */
export const ACTION_ROLE = {
  "map.propose_edit": "fixer",
  "map.vote": "fixer",
  "map.comment": "fixer",
  "map.rate": "fixer",
  "proposal.withdraw": "fixer",
  "verify.queue": "verifier",
  "verify.decide": "verifier",
  "song.curate": "curator",
  "map.archive": "curator",
  "role.appoint": "admin",
  "audit.view": "admin",
  "ops.view": "admin",
  "jobs.admin": "admin",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTION_ROLE;

export function can(actor: Actor | null, action: Action): boolean {
  if (!actor) return false;
  return effectiveRoles(actor).has(ACTION_ROLE[action]);
}

export async function karmaOf(db: Db, userId: string): Promise<number> {
  const sum = await db.karmaEntry.aggregate({ where: { userId }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}

export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { emailVerifiedAt: true, roles: { select: { roleName: true } } },
  });
  if (!user) return null;
  return {
    userId,
    emailVerified: user.emailVerifiedAt !== null,
    karma: await karmaOf(db, userId),
    appointed: new Set(user.roles.map((r) => r.roleName)),
  };
}
