# mcp-server image: Streamable HTTP on 0.0.0.0:8000, data in the /data volume, runs as an
# unprivileged user. glibc base (Debian): the LanceDB and DuckDB native addons need it.
#   docker build -t mcp-server .
#   docker run -p 8000:8000 -v mcp-data:/data mcp-server
# A config file: mount it and point at it, e.g.
#   -v ./config.yaml:/etc/mcp-server/config.yaml:ro -e MCP_CONFIG_PATH=/etc/mcp-server/config.yaml
# test/deploy-production.test.ts does what this file does, without a Docker engine.

ARG NODE_IMAGE=node:22-bookworm-slim

# Build: dev dependencies, TypeScript compiled to dist/ (the built-in modules to dist/tools/).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts/build-tools.mjs scripts/bundle-cli.mjs ./scripts/
COPY src ./src
COPY tools ./tools
RUN npm run build

# Run: production dependencies only (no install scripts: dist/ comes from the build stage).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    LANCEDB_LOG=error \
    MCP_TRANSPORT_TYPE=http-stream \
    MCP_HOST=0.0.0.0 \
    MCP_PORT=8000 \
    MCP_DATA_PATH=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY tools ./tools
COPY config.example.yaml ./
COPY --from=build /app/dist ./dist
RUN groupadd --system --gid 10001 mcp \
    && useradd --system --uid 10001 --gid mcp --home-dir /data --shell /usr/sbin/nologin mcp \
    && mkdir -p /data && chown mcp:mcp /data
# The app directory stays root's (read-only to the server); only /data is written.
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MCP_PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight calls (transport.shutdownTimeoutSeconds) and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "/app/bin/mcp-server"]
