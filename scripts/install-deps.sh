#!/usr/bin/env bash
# Installs what wtosearch needs to build, test and benchmark, from Debian's
# archive only.  Safe to run again: installs only what is missing.
# --for-tests adds what only the tests need: chromium, for the web page's
# test in a headless browser (tests/web_test.py).
set -euo pipefail

packages=(
  gcc g++ meson ninja-build pkg-config python3
  libxapian-dev libjansson-dev libunistring-dev zlib1g-dev libzstd-dev libmimalloc-dev
  libzip-dev libxml2-dev poppler-utils
  libmicrohttpd-dev curl
)
for arg in "$@"; do
  case $arg in
    --for-tests) packages+=(chromium) ;;
    *) echo "usage: install-deps.sh [--for-tests]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
