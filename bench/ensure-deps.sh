#!/usr/bin/env bash
# What `make bench` needs beyond the test dependencies (scripts/ensure-system-deps.sh):
# Debian's wrk, the load tool driving the floor sync API on loopback.
set -euo pipefail

command -v wrk >/dev/null && exit 0
echo "Installing Debian package: wrk"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root (or sudo) to install wrk" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
