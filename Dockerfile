# SPDX-License-Identifier: Apache-2.0
# driftwatch container image: build stage compiles TypeScript; the runtime stage holds
# production dependencies only, runs as the unprivileged `node` user (uid 1000), keeps
# checkpoints and queues in a volume, reads its config from a read-only mount, and runs node
# directly (exec-form ENTRYPOINT) so SIGTERM drains and SIGHUP reloads.
# The same steps run without a Docker engine in test/deploy/docker-steps.test.ts.
#
#   docker build -t driftwatch .
#   docker run --rm -v "$PWD/config.yaml:/etc/driftwatch/config.yaml:ro" \
#     -v driftwatch-data:/var/lib/driftwatch -e COMETAPI_API_KEY driftwatch
# Node.js 24 LTS (security fixes until 2028-04-30); any line CI tests (20, 22, 24, 26) works:
#   docker build --build-arg NODE_IMAGE=node:26-slim -t driftwatch .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# 4 MiB V8 semi-spaces instead of 16: ~29 MiB less RSS at the same CPU (docs/reliability.md, soak)
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    DRIFTWATCH_DATA_DIR=/var/lib/driftwatch \
    DRIFTWATCH_HEALTHCHECK_URL=http://127.0.0.1:13133/healthz
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
RUN mkdir -p /var/lib/driftwatch /etc/driftwatch && chown node:node /var/lib/driftwatch
USER node
VOLUME ["/var/lib/driftwatch"]
EXPOSE 13133
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.DRIFTWATCH_HEALTHCHECK_URL).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/driftwatch.js"]
CMD ["run", "--config", "/etc/driftwatch/config.yaml"]
