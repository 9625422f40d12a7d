#!/usr/bin/env bash
# `make test`: unit, integration and end-to-end suites. Integration and e2e suites want a real
# etcd: when it is missing, Debian's etcd-server is installed if this is root with apt-get (as
# .ci/run does); otherwise the e2e suites run on the embedded sqlite backend, and the suites
# marked "// needs etcd: <why>" are skipped and listed.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${NODE:-node}

have_etcd() { etcd --version >/dev/null 2>&1; }
have_etcdctl() { etcdctl version >/dev/null 2>&1; }

if { ! have_etcd || ! have_etcdctl; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "etcd or etcdctl is not installed: installing Debian's etcd-server and etcd-client"
  { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server etcd-client >/dev/null; } \
    || echo "installing etcd-server failed; going on without etcd"
fi

dist() { sed 's|^|dist/|; s|\.ts$|.js|'; }
suites() { find "$1" -name '*.test.ts' 2>/dev/null | sort; }
needs_etcd() { grep -l '^// needs etcd: ' "$@" 2>/dev/null || true; }

$NODE --test --test-reporter=spec $(suites test/unit | dist)

if have_etcd; then
  $NODE --test --test-reporter=spec --test-concurrency=1 $(suites test/integration | dist)
  $NODE --test --test-reporter=spec --test-concurrency=1 $(suites test/e2e | dist)
  exit 0
fi

mapfile -t all < <(suites test/integration; suites test/e2e)
mapfile -t skipped < <(needs_etcd "${all[@]}")
run=()
for f in "${all[@]}"; do
  [[ " ${skipped[*]} " == *" $f "* ]] || run+=("$f")
done
if [ ${#run[@]} -gt 0 ]; then
  KAS_TEST_STORAGE=sqlite $NODE --test --test-reporter=spec --test-concurrency=1 $(printf '%s\n' "${run[@]}" | dist)
fi
echo
echo "etcd is not installed and could not be (needs root and apt-get): the suites above ran on the embedded sqlite backend."
echo "Skipped ${#skipped[@]} suites that need etcd (install Debian's etcd-server to run them):"
for f in "${skipped[@]}"; do
  echo "  $f: $(sed -n 's|^// needs etcd: ||p' "$f" | head -1)"
done
