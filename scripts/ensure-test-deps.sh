#!/usr/bin/env bash
# Makes sure the programs the tests drive are on this machine: Debian's chromium and
# redis-server and postgresql (nginx too, for the reverse-proxy test). Installs what is missing with apt-get
# when it can (root, or passwordless sudo); otherwise says exactly what to install and stops.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# Debian keeps PostgreSQL's programs off PATH, in /usr/lib/postgresql/<version>/bin.
command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ngx-chat tests need: ${need[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ngx-chat tests need: ${need[*]} (Debian package names), and this machine has no apt-get; install them and run again." >&2
  exit 1
fi

echo "Installing ${need[*]} with apt-get…"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
