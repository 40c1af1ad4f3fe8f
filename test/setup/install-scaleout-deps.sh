#!/usr/bin/env bash
# Installs what the scale-out test runs against (HAProxy, NATS) when it is missing. Needs root.
set -euo pipefail
need=()
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
[ -x /usr/sbin/nats-server ] || need+=(nats-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
