#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Installs the Debian packages zcx needs, only those missing. Runs apt-get as root, through
# sudo otherwise, and says what it installs. Usage: install-deps.sh [build|test|bench|all]
set -euo pipefail

build=(cmake ninja-build gcc clang pkg-config libcmocka-dev libjansson-dev zlib1g-dev
       liblz4-dev libzstd-dev python3-dev python3-numpy)
test=(python3-pytest python3-torch python3-matplotlib libclang-rt-14-dev)
bench=(libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev)

want=("${build[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test[@]}") ;;
  bench) want+=("${test[@]}" "${bench[@]}") ;;
  all) want+=("${test[@]}" "${bench[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "zcx: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "zcx: installed ${missing[*]}"
