#!/usr/bin/env bash
# Proves the README's first run on a really fresh machine: a minimal Debian 12
# root made with debootstrap, only the README's prerequisites installed, a
# clean clone of this checkout, then the README's two commands exactly as
# written, "make demo" and then "make check", each of which must pass the
# first time.  Run as root on Debian; CI runs it from .ci/run.
#   .ci/fresh-debian.sh [--deb FILE [--deb-only]] [SUITE]
#                                     SUITE defaults to bookworm
# With --deb, the Debian package (make deb) is proven too, in a copy of the
# root taken before anything was installed, so that only what the package
# declares is there: apt installs it, tokbench-gen --version names this
# commit, man tokbench-gen shows its page, the README's tour runs with the
# installed tools (tests/tour.sh --installed), and a purge leaves no file of
# it.  --deb-only skips the README's run (the package alone, by hand).
# The mirror is the one this machine's apt already uses (never a host name
# written here).  Whatever happens, the mounts are undone, the processes
# started inside are stopped and the roots are removed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "fresh-debian: $*" >&2; }
die() { say "$*"; exit 1; }
deb="" readme=1
while [ $# -gt 0 ]; do
	case $1 in
	--deb) deb=$(realpath "${2:?--deb needs a file}"); shift 2 ;;
	--deb-only) readme=""; shift ;;
	*) break ;;
	esac
done
suite=${1:-bookworm}
[ -z "$deb" ] || [ -f "$deb" ] || die "no package $deb"
[ -n "$deb" ] || [ -n "$readme" ] || die "--deb-only needs --deb FILE"

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
# A system's / is 0755; mktemp's 0700 would keep every user but root out
# (apt's _apt, man-db's man: "libmandb.so: Permission denied").
chmod 755 "$root"
pkgroot=$root-deb # the package's copy, made only with --deb
mounted=()

# Processes whose root directory is inside a chroot (ROOT, default both).
chroot_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in "${1:-$root}" | "${1:-$pkgroot}") echo "${p#/proc/}" ;; esac
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
	for m in "$root" "$pkgroot"; do
		if awk -v r="$m/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
			say "left $m in place: something is still mounted in it"
			rc=1
		else
			rm -rf "$m"
		fi
	done
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mount_root() { # mount_root ROOT: /proc, and the host's /dev bound
	mount -t proc proc "$1/proc"
	mounted+=("$1/proc")
	mkdir -p "$1/dev"
	mount --bind /dev "$1/dev"
	mounted+=("$1/dev")
	cp /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
}

t0=$SECONDS
say "debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
	{ tail -n 20 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed"; }
rm -f "$root.log"
say "base system in $((SECONDS - t0)) s"
[ -z "$deb" ] || cp -a "$root" "$pkgroot"

# Inside, the environment of a new login: nothing of this machine's.
in_root() { # in_root COMMAND [ROOT]
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb chroot "${2:-$root}" /bin/bash -c "$1"
}

# The package in its own copy of the fresh root.  Every path dpkg lists
# must be gone after the purge, but a directory another package owns too
# (/usr/bin).
deb_check() {
	local name v page profiles
	name=${deb##*/}
	mount_root "$pkgroot"
	cp "$deb" "$pkgroot/root/$name"
	mkdir -p "$pkgroot/root/tour/tests"
	cp "$top/README.md" "$pkgroot/root/tour/"
	cp "$top/tests/tour.sh" "$pkgroot/root/tour/tests/"
	say "the package: apt-get install ./$name man-db jq (Recommends too)"
	in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		/root/$name man-db jq >/dev/null" "$pkgroot" || die "installing $name failed"
	v=$(git -C "$top" describe --tags --always)
	[ "$(in_root 'tokbench-gen --version' "$pkgroot")" = "tokbench-gen $v" ] ||
		die "tokbench-gen --version does not say $v"
	# whole outputs first: grep -q leaving a pipe early would SIGPIPE the
	# writer, a failure under pipefail
	page=$(in_root 'MANPAGER=cat man tokbench-gen 2>/dev/null' "$pkgroot") || true
	grep -q '^ *tokbench-gen - ' <<<"$page" || die "man tokbench-gen shows no page"
	# The tour starts llmsim in the background and gen at once; the first
	# start of freshly installed programs, read from disk, was once slow
	# enough for gen to probe before llmsim listened (gen then does not
	# wait for the load).  The installed llmsim lists its profiles first.
	profiles=$(in_root 'tokbench-llmsim --list-profiles' "$pkgroot") || true
	grep -q '"id":"minimax-m2.1-mlx-4bit"' <<<"$profiles" ||
		die "the installed llmsim does not find its profiles"
	in_root 'cd /root/tour && tests/tour.sh --installed' "$pkgroot" ||
		die "the README's tour failed with the installed tools"
	in_root 'dpkg -L tokbench >/root/tokbench.list' "$pkgroot"
	in_root 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq tokbench >/dev/null' "$pkgroot" ||
		die "purging the package failed"
	in_root '! dpkg -s tokbench >/dev/null 2>&1 && left="" &&
		while read -r f; do
			[ "$f" != /. ] || continue
			[ -e "$f" ] || [ -L "$f" ] || continue
			if [ -d "$f" ] && [ ! -L "$f" ] && dpkg -S "$f" >/dev/null 2>&1; then
				continue
			fi
			left="$left $f"
		done </root/tokbench.list &&
		{ [ -z "$left" ] || { echo "left behind:$left" >&2; exit 1; }; }' "$pkgroot" ||
		die "the purge left files of the package behind"
	[ -z "$(chroot_pids "$pkgroot")" ] || die "the package's checks left processes running"
	say "the package: installed, --version, man, the tour, purged with nothing left ($(wc -l <"$pkgroot/root/tokbench.list") paths)"
}
if [ -z "$readme" ]; then
	deb_check
	exit 0
fi

mount_root "$root"
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
left=$(chroot_pids "$root")
[ -z "$left" ] || die "make check left processes running: $(echo $left)"
say "passed: base $((t1 - t0)) s, make demo $((t2 - t1)) s, make check $((t3 - t2)) s, total $((t3 - t0)) s"
if [ -n "$deb" ]; then
	deb_check
	say "the package's checks in $((SECONDS - t3)) s"
fi
