#!/usr/bin/env bash
# deb.sh: the Debian package, built the way Debian builds one: the release
# tarball (make dist) as the upstream tarball, unpacked, its debian/ used by
# dpkg-buildpackage (source and binary, unsigned), then lintian, which must
# report no error.  make deb runs it.
#   scripts/deb.sh        everything lands in DISTDIR (default dist/): the
#                         tarball and .sha256, the .orig.tar.gz link, .dsc,
#                         .debian.tar.xz, .deb, .buildinfo, .changes
# The last line printed is the .deb's path.
#
# The package's version: a release (HEAD tagged vX or X) is X, and
# debian/changelog must have an entry for it (dch -v X-1 at the release);
# any other commit gets a snapshot entry, written into the unpacked copy
# only, dated at the commit: X+gitN.gHASH after the tag X, or, before the
# first release, U~gitYYYYMMDD.HASH, U being debian/changelog's latest
# upstream version (the release it leads to), so that versions sort.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
distdir=${DISTDIR:-dist}
say() { echo "deb: $*" >&2; }
die() { say "$*"; exit 1; }

for c in dpkg-buildpackage dpkg-parsechangelog dh lintian git; do
	command -v "$c" >/dev/null 2>&1 ||
		die "no $c: apt-get install dpkg-dev debhelper lintian git"
done
dpkg-checkbuilddeps 2>&1 || die "the build dependencies above are missing (make deps installs them)"

tarball=$(make -s dist DISTDIR="$distdir" | tail -n 1)
[ -f "$tarball" ] || die "make dist wrote no tarball"
v=${tarball##*/tokbench-}
v=${v%.tar.gz}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
last=$(dpkg-parsechangelog -l debian/changelog -S Version)
last_up=${last%-*}

tag=$(git describe --tags --abbrev=0 2>/dev/null) || tag=""
hash=$(git rev-parse --short HEAD)
if [ -z "$tag" ]; then
	up=$last_up~git$(date -u -d "@$epoch" +%Y%m%d).$hash
elif [ "$(git rev-parse "$tag^{commit}")" = "$(git rev-parse HEAD)" ]; then
	up=${tag#v}
	[ "$up" = "$last_up" ] ||
		die "release $tag has no debian/changelog entry (its latest is $last): dch -v $up-1"
else
	up=${tag#v}+git$(git rev-list --count "$tag..HEAD").g$hash
fi

# A snapshot's changelog, dated at the commit so that the build is
# reproducible (dpkg-buildpackage takes SOURCE_DATE_EPOCH from it).  The
# release being prepared (an UNRELEASED entry) is renamed; after a release
# an UNRELEASED entry is added above it.
snapshot_entry() {
	local date
	date=$(date -u -R -d "@$epoch")
	if [ "$(dpkg-parsechangelog -l debian/changelog -S Distribution)" = UNRELEASED ]; then
		awk -v ver="$up-1" -v date="$date" '
			NR == 1 { sub(/\([^)]*\)/, "(" ver ")") }
			!done && /^ -- / { sub(/>  .*$/, ">  " date); done = 1 }
			{ print }' debian/changelog
	else
		printf 'tokbench (%s-1) UNRELEASED; urgency=medium\n\n' "$up"
		printf '  * Snapshot of %s, built by make deb.\n\n' "$v"
		printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l debian/changelog -S Maintainer)" "$date"
		cat debian/changelog
	fi
}

src=$distdir/tokbench-$v
rm -rf "$src"
tar -xzf "$tarball" -C "$distdir"
ln -sf "tokbench-$v.tar.gz" "$distdir/tokbench_$up.orig.tar.gz"
if [ "$up" != "$last_up" ]; then
	snapshot_entry >"$src/debian/changelog"
fi
say "tokbench $up-1 from $tarball"
(cd "$src" && dpkg-buildpackage -us -uc) >"$distdir/build.log" 2>&1 ||
	{ tail -n 40 "$distdir/build.log" >&2; die "dpkg-buildpackage failed (whole log: $distdir/build.log)"; }
rm -rf "$src"
ver=$(sed -n '1s/^tokbench (\([^)]*\)).*/\1/p' debian/changelog)
[ "$up" = "$last_up" ] || ver=$up-1
changes=$distdir/tokbench_${ver}_$(dpkg-architecture -qDEB_HOST_ARCH).changes
deb=$distdir/tokbench_${ver}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
[ -f "$deb" ] || die "no $deb"
say "lintian $changes"
lintian --fail-on error "$changes" >&2 || die "lintian reported errors"
echo "$deb"
