# The product's image, one for every role (WORKER_ROLES), used by docker-compose.temporal.yml
# and the Helm chart. Services are external (configured by environment), so the image needs
# only Node.js and ffmpeg for video frame extraction.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
# Writable by the product's user: video frames, reports, videos (volumes mounted here keep the owner).
RUN mkdir -p /var/lib/mlops-guardian/video-work /var/lib/mlops-guardian/reports /var/lib/mlops-guardian/videos \
  && chown -R node:node /var/lib/mlops-guardian
USER node
# Memory settings every product process starts with (src/workers/process-memory.ts says why):
# blocks of 128 KiB and more in mappings of their own, handed back when freed, and a small V8
# young generation.
ENV MALLOC_MMAP_THRESHOLD_=131072
CMD ["node", "--max-semi-space-size=2", "dist/workers/start.js"]
