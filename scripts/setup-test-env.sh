#!/usr/bin/env bash
# Installs what the test suite needs, idempotently, and quickly when it is already there:
#   npm packages      npm ci when node_modules is missing or older than package-lock.json
#   Debian packages   chromium (docs render test), redis-server (the Redis store's tests), wrk (npm run bench)
#   Python            schemathesis (npm run fuzz), pinned
#   Go                oasdiff (npm run spec:diff) and actionlint (npm run lint:workflows), pinned
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
OASDIFF_VERSION=v1.37.0
ACTIONLINT_VERSION=v1.7.12

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
command -v redis-server >/dev/null 2>&1 || apt_packages+=(redis-server)
command -v wrk >/dev/null 2>&1 || apt_packages+=(wrk)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${apt_packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ "$(schemathesis --version 2>/dev/null | awk '{print $3}')" != "$SCHEMATHESIS_VERSION" ]; then
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION"
  python3 -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

oasdiff="$(go env GOPATH)/bin/oasdiff"
if [ "$(go version -m "$oasdiff" 2>/dev/null | awk '$1 == "mod" {print $3}')" != "$OASDIFF_VERSION" ]; then
  echo "setup: installing oasdiff $OASDIFF_VERSION"
  go install "github.com/oasdiff/oasdiff@$OASDIFF_VERSION"
fi
actionlint="$(go env GOPATH)/bin/actionlint"
if [ "$(go version -m "$actionlint" 2>/dev/null | awk '$1 == "mod" {print $3}')" != "$ACTIONLINT_VERSION" ]; then
  echo "setup: installing actionlint $ACTIONLINT_VERSION"
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
echo "setup: ready"
