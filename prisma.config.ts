// Prisma 7 reads its settings from here. Only `prisma generate` runs in this project:
// migrations are plain SQL under prisma/migrations, applied by the app itself
// (server/db/migrate.ts), because Prisma's schema engine binary cannot be downloaded here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
