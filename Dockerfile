# The gateway as a container. It runs the same `npm start` as a laptop; with DATABASE_URL set
# it uses that PostgreSQL, otherwise the embedded engine in /data.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json codegen.ts .swcrc ./
COPY schema ./schema
COPY openapi ./openapi
COPY src ./src
COPY scripts/register.js ./scripts/register.js
USER node
EXPOSE 4000
CMD ["npm", "start"]
