# kube-apiserver-ts image: built with Node on Debian, run on distroless Node 22 as non-root.
# BASE is overridable (e.g. a locally assembled distroless-equivalent where registries are unreachable).
ARG BUILDER=node:22-bookworm
ARG BASE=gcr.io/distroless/nodejs22-debian12:nonroot

FROM ${BUILDER} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json Makefile ./
COPY src ./src
COPY hack ./hack
COPY test ./test
COPY bench ./bench
RUN npx tsc -p tsconfig.json && cp -r src/generated/. dist/src/generated/ \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE}
LABEL org.opencontainers.image.title="kube-apiserver-ts" \
      org.opencontainers.image.description="A drop-in Kubernetes API server written in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
USER 65532:65532
EXPOSE 6443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/cmd/kube-apiserver.js"]
