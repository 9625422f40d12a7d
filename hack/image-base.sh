#!/usr/bin/env bash
# Assembles two local base images from this machine's files, for building the Dockerfile where
# public registries cannot be reached:
#   localhost/kas-base-runtime:nonroot  distroless-like: /nodejs/bin/node, its shared libraries,
#                                       CA certificates, passwd/group with nonroot (65532); no shell
#   localhost/kas-base-builder:latest   node + npm under /usr/local (as node:*-bookworm has them),
#                                       plus sh and the few coreutils the Dockerfile's RUN lines use;
#                                       it trusts this machine's CA bundle (the network here
#                                       intercepts TLS) and prefers npm's cache, so mounting the
#                                       host's ~/.npm (-v ~/.npm:/root/.npm) makes `npm ci` local
# Usage: hack/image-base.sh [--force]   (existing images are kept unless --force)
# Prints the two image names as BASE=... and BUILDER=... lines. Needs buildah (vfs storage).
set -euo pipefail

RUNTIME_IMAGE=${RUNTIME_IMAGE:-localhost/kas-base-runtime:nonroot}
BUILDER_IMAGE=${BUILDER_IMAGE:-localhost/kas-base-builder:latest}
BUILDAH=(buildah --storage-driver=vfs)
FORCE=${1:-}

command -v buildah >/dev/null || { echo "buildah is not installed: apt-get install -y buildah" >&2; exit 1; }
NODE_BIN=$(readlink -f "$(command -v node)")
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")

have_image() { "${BUILDAH[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# Copies a binary to <root><dest> and every shared library ldd names to the same path under <root>.
add_binary() {
  local root=$1 src=$2 dest=$3
  install -D -m 0755 "$src" "$root$dest"
  ldd "$src" | grep -o '/[^ ]*' | while read -r lib; do
    install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
}

add_common() {
  local root=$1
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot" "$root/root"
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  chown 65532:65532 "$root/home/nonroot"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# Imports a rootfs directory as an image: buildah from scratch + copy + config + commit.
commit_rootfs() {
  local root=$1 image=$2; shift 2
  local ctr
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" copy "$ctr" "$root" / >/dev/null
  "${BUILDAH[@]}" config "$@" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [[ $FORCE == --force ]] || ! have_image "$RUNTIME_IMAGE"; then
  root=$WORK/runtime
  add_common "$root"
  add_binary "$root" "$NODE_BIN" /nodejs/bin/node
  commit_rootfs "$root" "$RUNTIME_IMAGE" \
    --user 65532:65532 --workingdir /home/nonroot \
    --env PATH=/usr/local/bin:/usr/bin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --entrypoint '["/nodejs/bin/node"]' \
    --label org.opencontainers.image.description="local distroless-equivalent Node runtime ($("$NODE_BIN" --version))"
fi

if [[ $FORCE == --force ]] || ! have_image "$BUILDER_IMAGE"; then
  root=$WORK/builder
  add_common "$root"
  add_binary "$root" "$NODE_BIN" /usr/local/bin/node
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  add_binary "$root" "$(readlink -f /bin/sh)" /bin/sh
  for tool in env cp mkdir rm ls cat; do
    add_binary "$root" "$(readlink -f "$(command -v "$tool")")" "/usr/bin/$tool"
  done
  commit_rootfs "$root" "$BUILDER_IMAGE" \
    --workingdir / --env PATH=/usr/local/bin:/usr/bin:/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --env npm_config_prefer_offline=true \
    --cmd '["node"]' \
    --label org.opencontainers.image.description="local Node builder ($("$NODE_BIN" --version), npm $(npm --version))"
fi

echo "BASE=$RUNTIME_IMAGE"
echo "BUILDER=$BUILDER_IMAGE"
