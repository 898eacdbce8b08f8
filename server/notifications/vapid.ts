// The server's VAPID key pair for Web Push, made on first start and kept in server_settings so
// every process (web, workers on other machines) signs pushes with the same key the browsers
// subscribed with.
import webpush from "web-push";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const KEY = "vapid";

export async function ensureVapidKeys(db: Db): Promise<VapidKeys> {
  const existing = await db.serverSetting.findUnique({ where: { key: KEY } });
  if (existing) return existing.value as unknown as VapidKeys;
  const keys = webpush.generateVAPIDKeys();
  try {
    await db.serverSetting.create({ data: { key: KEY, value: keys as unknown as Prisma.InputJsonObject } });
    return keys;
  } catch (error) {
    // Another process made them first: use theirs.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const row = await db.serverSetting.findUniqueOrThrow({ where: { key: KEY } });
      return row.value as unknown as VapidKeys;
    }
    throw error;
  }
}
