# The gateway as a container, built in two stages: the first installs every dependency and
# compiles src/ to dist/ (`npm run build`, SWC); the second holds only the production
# dependencies, dist/, and the schema and OpenAPI files read at run time, and runs
# `node dist/main.js` as the unprivileged `node` user. With DATABASE_URL set it uses that
# PostgreSQL, otherwise the embedded engine in /data.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .swcrc ./
COPY scripts/build.js ./scripts/build.js
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY openapi ./openapi
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
# A young generation of 64 MiB per semi-space: the hot path allocates ~100 KiB a request, and the
# default 16 MiB made garbage collection 8% of its CPU (README "Performance").
CMD ["node", "--max-semi-space-size=64", "-r", "source-map-support/register", "dist/main.js"]
