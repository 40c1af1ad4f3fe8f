#!/usr/bin/env bash
# Installs the real parts the tests run against (Mosquitto, socat, Chromium, OpenSSL)
# when they are missing. Needs root (CI and the dev machines run as root).
set -euo pipefail
# `install-system-deps.sh scaleout`: what the scale-out check runs against (HAProxy, NATS) instead.
need=()
if [ "${1:-}" = scaleout ]; then
  [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  [ -x /usr/sbin/nats-server ] || need+=(nats-server)
else
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
  command -v socat >/dev/null 2>&1 || need+=(socat)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
