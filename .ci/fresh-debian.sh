#!/usr/bin/env bash
# Proves the README's first run on a really fresh machine: a minimal Debian 12
# root made with debootstrap, only the README's prerequisites installed, a
# clean clone of this checkout, then the README's two commands exactly as
# written, "make demo" and then "make check", each of which must pass the
# first time.  Run as root on Debian; CI runs it from .ci/run.
#   .ci/fresh-debian.sh [SUITE]       SUITE defaults to bookworm
# The mirror is the one this machine's apt already uses (never a host name
# written here).  Whatever happens, the mounts are undone, the processes
# started inside are stopped and the root is removed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-bookworm}
say() { echo "fresh-debian: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "no debootstrap (apt-get install debootstrap)"

# The first Debian archive URI of the apt sources (deb822 or one-line
# format), skipping the security archive, which has no base system.
apt_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' "$f"
	done
}
mirror=$(apt_mirror | grep -v -e security -e '^$' | head -n 1)
[ -n "$mirror" ] || die "no Debian mirror in the apt sources"

root=$(mktemp -d /var/tmp/tb-fresh.XXXXXX)
mounted=()

# Processes whose root directory is inside the chroot.
chroot_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
	done
	return 0
}

cleanup() {
	local rc=$? i m
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -n "$(chroot_pids)" ] || break
		# shellcheck disable=SC2046
		kill -KILL $(chroot_pids) 2>/dev/null || true
		sleep 0.2
	done
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
	done
	# Never remove a root that still has something mounted in it: /dev
	# bound inside would take the host's device nodes with it.
	if awk -v r="$root/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		say "left $root in place: something is still mounted in it"
		rc=1
	else
		rm -rf "$root"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

bind() { # bind SRC: mounts SRC at the same path inside the root
	mkdir -p "$root$1"
	mount --bind "$1" "$root$1"
	mounted+=("$root$1")
}

t0=$SECONDS
say "debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
	{ tail -n 20 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed"; }
rm -f "$root.log"
say "base system in $((SECONDS - t0)) s"

mount -t proc proc "$root/proc"
mounted+=("$root/proc")
bind /dev
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# Inside, the environment of a new login: nothing of this machine's.
in_root() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb chroot "$root" /bin/bash -c "$1"
}

# The README's prerequisites for Debian, as the README writes them.
prereq=$(sed -n 's/^[[:space:]]*\(apt-get install .*\)#.*debian-prereq.*/\1/p' "$top/README.md")
[ -n "$prereq" ] || die "README.md names no Debian prerequisites (a line marked debian-prereq)"
say "prerequisites: $prereq"
in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive $prereq -y -qq >/dev/null" ||
	die "installing the README's prerequisites failed"
t1=$SECONDS

git clone -q "$top" "$root/root/tokbench"
say "make demo (as the README says, on the first try)"
in_root "cd /root/tokbench && make demo" || die "make demo failed on a fresh machine"
t2=$SECONDS
say "make check (as the README says, straight after)"
in_root "cd /root/tokbench && make check" || die "make check failed on a fresh machine"
t3=$SECONDS
left=$(chroot_pids)
[ -z "$left" ] || die "make check left processes running: $(echo $left)"
say "passed: base $((t1 - t0)) s, make demo $((t2 - t1)) s, make check $((t3 - t2)) s, total $((t3 - t0)) s"
