#!/usr/bin/env bash
# Installs everything gradcheck-ts needs on a Debian machine with Node 20+, skipping what is present:
#   - the Vulkan loader (libvulkan1) and SwiftShader, the CPU Vulkan driver that Debian's chromium
#     package ships, so that WebGPU (Dawn) finds an adapter without a GPU;
#   - the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
dpkg -s libvulkan1 >/dev/null 2>&1 || missing+=(libvulkan1)
[ -f /usr/lib/chromium/vk_swiftshader_icd.json ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: install ${missing[*]} (a Vulkan loader and SwiftShader) with your package manager, then run this again" >&2
    exit 1
  fi
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: installing npm packages"
npm ci --no-audit --no-fund
