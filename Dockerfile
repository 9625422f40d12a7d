# kube-apiserver-ts image: compiled with Node on Debian, run on distroless Node 22 as non-root
# (65532), with production dependencies only and no shell or npm in the final image.
# BUILDER and BASE are overridable, e.g. with locally assembled images where registries are
# unreachable (hack/image-base.sh; `make image` does this when the defaults cannot be pulled).
ARG BUILDER=docker.io/library/node:22-bookworm
ARG BASE=gcr.io/distroless/nodejs22-debian12:nonroot

# Compiles TypeScript with the dev dependencies (typescript, @types/*), then prunes them so only
# production dependencies are left to copy. --omit=peer skips packages only test tooling needs as
# peers (aws-cdk-lib, of the helm-carrying devDependency); no production package is peer-only.
FROM ${BUILDER} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --omit=peer
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && cp -r src/generated/. dist/src/generated/ \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${BASE}
ARG BASE
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kube-apiserver-ts" \
      org.opencontainers.image.description="A drop-in Kubernetes API server written in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${BASE}"
WORKDIR /app
# The server reads its version from package.json next to dist/.
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
USER 65532:65532
EXPOSE 6443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/cmd/kube-apiserver.js"]
