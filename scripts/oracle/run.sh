#!/usr/bin/env bash
# Regenerates the PyTorch oracle case files under fixtures/oracle/ (float64, CPU).
# Needs Debian's python3-torch and python3-torchvision for the system interpreter /usr/bin/python3
# (the first python3 on PATH may be another one without them); installs them when missing.
# Usage: bash scripts/oracle/run.sh [op ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
  echo "installing python3-torch and python3-torchvision (Debian packages) for /usr/bin/python3 ..."
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-torchvision
fi
exec /usr/bin/python3 scripts/oracle/generate.py "$@"
