#!/usr/bin/env bash
# The scale tests (npm run test:scale) start a real redis-server on a free loopback port, as n8n's
# queue mode needs. No npm package ships a Redis binary without downloading it at install time
# (redis-server / redis-memory-server fetch and compile sources in a postinstall), so the binary
# comes from the distribution's package, installed here once per machine when missing.
set -eu
if command -v redis-server >/dev/null 2>&1; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup-redis: redis-server is missing and apt-get is not available; install Redis 6.2+ and put redis-server on PATH" >&2
	exit 1
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
# The package's own service is not wanted: the tests start their own server on a free port.
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends redis-server >/dev/null || {
	$SUDO apt-get update >/dev/null
	$SUDO apt-get install -y --no-install-recommends redis-server >/dev/null
}
command -v redis-server >/dev/null
