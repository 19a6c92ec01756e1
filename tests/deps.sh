#!/bin/sh
# Test dependencies, all from Debian.  As root, missing ones are installed;
# otherwise we stop and print the exact command to run.
pkgs="libcmocka-dev valgrind mosh openssh-server openssh-client tmux man-db musl-tools"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq $missing; } >/dev/null || {
		echo "deps: apt-get install failed; run: apt-get install -y$missing" >&2
		exit 1
	}
	exit 0
fi
echo "deps: missing test packages:$missing" >&2
echo "deps: run: sudo apt-get install -y$missing" >&2
exit 1
