#!/usr/bin/env bash
# `make run`: a dev PKI and the server on its defaults (port 6443), storing in an embedded sqlite
# file, so nothing but Node is needed. STORAGE=etcd runs a local etcd over mTLS instead.
# Everything lives under .dev/ (git-ignored). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=${DEV_DIR:-$PWD/.dev}
PKI=$DEV/pki
STORAGE=${STORAGE:-sqlite}
ETCD_PORT=${ETCD_PORT:-2379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-2380}
SECURE_PORT=${SECURE_PORT:-6443}

mkdir -p "$DEV"
node dist/hack/dev-pki.js "$PKI" --server-url "https://127.0.0.1:${SECURE_PORT}" >/dev/null

case "$STORAGE" in
  sqlite)
    STORAGE_FLAGS=(--storage-backend=sqlite --storage-sqlite-path="$DEV/storage.db")
    STORAGE_NOTE="Storage: embedded sqlite in $DEV/storage.db (one server per file).
To use etcd instead: apt-get install -y etcd-server, then 'make run STORAGE=etcd'."
    ;;
  etcd)
    # `etcd --version` rather than `command -v`: a stand-in binary that cannot run counts as missing.
    if ! etcd --version >/dev/null 2>&1; then
      echo "etcd is not installed: run 'apt-get install -y etcd-server' (Debian) first, or 'make run' for the embedded store." >&2
      exit 1
    fi
    mkdir -p "$DEV/etcd-data"
    etcd --name dev --data-dir "$DEV/etcd-data" \
      --listen-client-urls "https://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "https://127.0.0.1:${ETCD_PORT}" \
      --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
      --initial-cluster "dev=http://127.0.0.1:${ETCD_PEER_PORT}" \
      --client-cert-auth --trusted-ca-file "$PKI/etcd/ca.crt" --cert-file "$PKI/etcd/server.crt" --key-file "$PKI/etcd/server.key" \
      >"$DEV/etcd.log" 2>&1 &
    ETCD_PID=$!
    trap 'kill $ETCD_PID 2>/dev/null || true' EXIT
    STORAGE_FLAGS=(--etcd-servers="https://localhost:${ETCD_PORT}"
      --etcd-cafile="$PKI/etcd/ca.crt" --etcd-certfile="$PKI/apiserver-etcd-client.crt" --etcd-keyfile="$PKI/apiserver-etcd-client.key")
    STORAGE_NOTE="Storage: etcd on https://127.0.0.1:${ETCD_PORT} (log: $DEV/etcd.log; data: $DEV/etcd-data)."
    ;;
  *)
    echo "STORAGE must be sqlite or etcd, not '$STORAGE'" >&2
    exit 2
    ;;
esac

cat <<MSG
$STORAGE_NOTE
Starting kube-apiserver on https://127.0.0.1:${SECURE_PORT}. In another shell:

  export KUBECONFIG=$PKI/admin.conf
  kubectl get namespaces

MSG
bin/kube-apiserver \
  --secure-port="${SECURE_PORT}" \
  --advertise-address=127.0.0.1 \
  --endpoint-reconciler-type=none \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  "${STORAGE_FLAGS[@]}" \
  --service-cluster-ip-range=10.96.0.0/12 \
  "$@"
