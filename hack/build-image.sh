#!/usr/bin/env bash
# `make image`: builds the Dockerfile with docker (when `docker info` reaches an engine), podman,
# or buildah, whichever works. BASE/BUILDER override the Dockerfile's base images; with buildah,
# when the default bases cannot be pulled, local equivalents are assembled (hack/image-base.sh).
# Env: IMAGE (default kube-apiserver-ts:<package.json version>), BASE, BUILDER.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(node -p 'require("./package.json").version')
IMAGE=${IMAGE:-kube-apiserver-ts:$VERSION}
REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DEFAULT_BASE=gcr.io/distroless/nodejs22-debian12:nonroot
BUILDAH=(buildah --storage-driver="${BUILDAH_STORAGE_DRIVER:-vfs}")

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  ENGINE=(docker build)
elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
  ENGINE=(podman build)
elif command -v buildah >/dev/null 2>&1; then
  ENGINE=("${BUILDAH[@]}" bud --isolation=chroot --network=host)
else
  {
    echo "make image: no container engine works here:"
    if command -v docker >/dev/null 2>&1; then echo "  docker: installed, but 'docker info' reaches no engine"; else echo "  docker: not installed"; fi
    if command -v podman >/dev/null 2>&1; then echo "  podman: installed, but 'podman info' fails"; else echo "  podman: not installed"; fi
    echo "  buildah: not installed"
    echo "Start a Docker engine or install buildah (Debian: apt-get install -y buildah), then retry."
  } >&2
  exit 1
fi

ARGS=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" -t "$IMAGE")
if [[ ${ENGINE[0]} == buildah && -z ${BASE:-} && -z ${BUILDER:-} ]] \
  && ! timeout 30 "${BUILDAH[@]}" pull --quiet "$DEFAULT_BASE" >/dev/null 2>&1; then
  echo "make image: cannot pull $DEFAULT_BASE; assembling local base images (hack/image-base.sh)" >&2
  eval "$(bash hack/image-base.sh | sed 's/^/export /')"
  # The local builder prefers npm's cache; share the host's so `npm ci` needs little network.
  mkdir -p "$HOME/.npm"
  ARGS+=(-v "$HOME/.npm:/root/.npm")
fi
[[ -n ${BASE:-} ]] && ARGS+=(--build-arg "BASE=$BASE")
[[ -n ${BUILDER:-} ]] && ARGS+=(--build-arg "BUILDER=$BUILDER")

echo "make image: ${ENGINE[*]} ${ARGS[*]} ." >&2
"${ENGINE[@]}" "${ARGS[@]}" .
echo "built $IMAGE"
