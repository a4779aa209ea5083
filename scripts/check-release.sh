#!/usr/bin/env bash
# The release configuration, checked by building it.
#
#   scripts/check-release.sh                 (make release-check, run by make test)
#       .goreleaser.yaml builds exactly the six targets (linux, darwin,
#       windows on amd64 and arm64); VERSION is a version; VERSION.sha256
#       names exactly the six binaries of that version; and every target
#       cross-builds with CGO off and the config's own flags and ldflags.
#   scripts/check-release.sh --pin           the same, then writes VERSION.sha256
#       from those builds: run it when you bump VERSION, before tagging.
#   scripts/check-release.sh --release TAG   the tag is VERSION and the builds
#       are byte for byte the pinned ones (the release workflow, before goreleaser).
#   scripts/check-release.sh --verify-dist dist/checksums.txt
#       goreleaser's binaries are the pinned ones (the release workflow, after
#       goreleaser made the draft release, before it is published).
#
# The builds are reproducible (-trimpath, -buildvcs=false, CGO off, one Go
# version), which is what lets VERSION.sha256 be written before the tag and
# checked against the release. Plain shell and awk: no yq, no python.
set -euo pipefail
cd "$(dirname "$0")/.."

config=.goreleaser.yaml
pins=VERSION.sha256
main_pkg=./cmd/blast
want_goos="darwin linux windows"
want_goarch="amd64 arm64"

die() { echo "check-release: $*" >&2; exit 1; }

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# build_list KEY: the items of the list KEY in the builds section, one a line.
# Exit status 3 when the key is not there.
build_list() {
  awk -v key="$1" '
    /^[^[:space:]#]/ { inb = ($1 == "builds:"); inlist = 0; next }
    !inb || /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
    inlist && /^[[:space:]]*- / { sub(/^[[:space:]]*- /, ""); sub(/[[:space:]]+$/, ""); print; next }
    { inlist = 0 }
    $0 ~ "^[[:space:]]*" key ":[[:space:]]*$" { inlist = 1; found = 1 }
    END { if (!found) exit 3 }
  ' "$config"
}

sorted_words() { tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }

mode=check
arg=""
case "${1:-}" in
  "") ;;
  --pin) mode=pin ;;
  --release) mode=release; arg="${2:?--release needs the tag}" ;;
  --verify-dist) mode=verify-dist; arg="${2:?--verify-dist needs the checksums file goreleaser wrote}" ;;
  *) die "unknown argument $1 (see the comment at the top of $0)" ;;
esac

# --- VERSION ---------------------------------------------------------------
[ -f VERSION ] || die "no VERSION file"
version=$(cat VERSION)
[[ "$version" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] ||
  die "VERSION holds \"$version\", want one line such as v1.2.3"
[ "$(wc -l < VERSION)" -eq 1 ] || die "VERSION must be exactly one line"

# --- the configuration -----------------------------------------------------
[ -f "$config" ] || die "no $config"
grep -qx 'version: 2' "$config" || die "$config: want the version 2 schema (version: 2)"
[ "$(awk '/^builds:/{b=1;next} /^[^[:space:]#]/{b=0} b && /^  - /' "$config" | wc -l)" -eq 1 ] ||
  die "$config: want exactly one build"
for key in targets ignore overrides goarm goamd64 goarm64; do
  if build_list "$key" >/dev/null 2>&1 || [ $? -ne 3 ]; then
    die "$config: builds.$key changes the target matrix; this check knows goos x goarch only"
  fi
done
goos=$(build_list goos | sorted_words) || die "$config: builds has no goos list"
goarch=$(build_list goarch | sorted_words) || die "$config: builds has no goarch list"
[ "$goos" = "$want_goos" ] || die "$config: goos is [$goos], want [$want_goos]"
[ "$goarch" = "$want_goarch" ] || die "$config: goarch is [$goarch], want [$want_goarch]"
env_list=$(build_list env) || die "$config: builds has no env list"
[ "$env_list" = "CGO_ENABLED=0" ] || die "$config: builds.env is [$env_list], want exactly CGO_ENABLED=0"
grep -q "^    main: ${main_pkg}\$" "$config" || die "$config: builds.main is not $main_pkg"

mapfile -t flags < <(build_list flags)
mapfile -t ldflags < <(build_list ldflags)
[ "${#flags[@]}" -gt 0 ] || die "$config: builds has no flags list"
[ "${#ldflags[@]}" -gt 0 ] || die "$config: builds has no ldflags list"
for f in "${flags[@]}"; do
  case "$f" in *'{{'*) die "$config: a template in flags ($f): this check cannot build it" ;; esac
done
printf '%s\n' "${flags[@]}" | grep -qx -- -trimpath || die "$config: flags lack -trimpath"
ld="${ldflags[*]}"
ld="${ld//\{\{ .Tag \}\}/$version}"
case "$ld" in *'{{'*) die "$config: a template other than {{ .Tag }} in ldflags: $ld" ;; esac
case "$ld" in *"-X main.version=$version"*) ;; *) die "$config: ldflags do not set main.version to the tag: $ld" ;; esac

# The six release binaries, named as the binary archive names them.
names=()
for os in $want_goos; do
  for arch in $want_goarch; do
    ext=""; [ "$os" = windows ] && ext=.exe
    names+=("blast_${version#v}_${os}_${arch}${ext}")
  done
done

# --- the pins --------------------------------------------------------------
check_pins_file() {
  [ -f "$pins" ] || die "no $pins: run scripts/check-release.sh --pin"
  local got want
  got=$(grep -v '^#' "$pins" | awk '{print $2}' | sorted_words)
  want=$(printf '%s ' "${names[@]}" | sorted_words)
  [ "$got" = "$want" ] || die "$pins names [$got], want [$want] (VERSION is $version): run scripts/check-release.sh --pin"
  grep -v '^#' "$pins" | grep -Evq '^[0-9a-f]{64}  [^ ]+$' && die "$pins: every line must be \"SHA256  NAME\""
  return 0
}

if [ "$mode" = verify-dist ]; then
  check_pins_file
  [ -f "$arg" ] || die "no $arg"
  bad=0
  while read -r sum name; do
    case "$sum" in '#'*) continue ;; esac
    if ! grep -qx "$sum  $name" "$arg"; then
      echo "check-release: $name: goreleaser built $(grep " $name\$" "$arg" | cut -d' ' -f1), $pins pins $sum" >&2
      bad=1
    fi
  done < "$pins"
  [ "$bad" = 0 ] || die "the release binaries are not the pinned ones: do not publish"
  echo "check-release: the ${#names[@]} release binaries are the ones $pins pins"
  exit 0
fi

if [ "$mode" = release ]; then
  [ "$arg" = "$version" ] || die "the tag is $arg but VERSION holds $version: bump VERSION (and --pin) in the tagged commit"
fi
if [ "$mode" != pin ]; then
  check_pins_file
fi

# --- build every target ----------------------------------------------------
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for os in $want_goos; do
  for arch in $want_goarch; do
    ext=""; [ "$os" = windows ] && ext=.exe
    # GOAMD64/GOARM64 are goreleaser's defaults, set so that the user's
    # environment cannot change what is built; GOFLAGS likewise.
    env CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOAMD64=v1 GOARM64=v8.0 GOFLAGS= \
      go build "${flags[@]}" -ldflags "$ld" -o "$out/blast_${version#v}_${os}_${arch}${ext}" "$main_pkg" \
      > "$out/$os-$arch.log" 2>&1 &
    pids+=("$!:$os/$arch")
  done
done
failed=0
for p in "${pids[@]}"; do
  if ! wait "${p%%:*}"; then
    echo "check-release: building ${p#*:} failed:" >&2
    cat "$out/$(echo "${p#*:}" | tr / -).log" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || die "a target does not build"

# Each binary says how it was built: check that it is what the config says.
for name in "${names[@]}"; do
  info=$(go version -m "$out/$name") || die "$name: go version -m cannot read it"
  for want in "build	CGO_ENABLED=0" "build	-trimpath=true"; do
    case "$info" in *"$want"*) ;; *) die "$name: built without \"$want\"" ;; esac
  done
  case "$info" in *"vcs.revision"*) die "$name: carries the commit (vcs.revision), so its checksum cannot be pinned before the tag" ;; esac
done
# -trimpath keeps -ldflags out of the build info: run the one binary this
# machine can run to see the version the ldflags set.
host="blast_${version#v}_$(go env GOHOSTOS)_$(go env GOHOSTARCH)"
[ "$(go env GOHOSTOS)" = windows ] && host="$host.exe"
if [ -f "$out/$host" ]; then
  got=$("$out/$host" version) || die "$host version failed"
  [ "$got" = "blast $version" ] || die "$host version prints \"$got\", want \"blast $version\": the ldflags do not set main.version"
fi

if [ "$mode" = pin ]; then
  {
    echo "# SHA-256 of the blast $version release binaries, made by scripts/check-release.sh --pin"
    echo "# with $(go env GOVERSION); the GitHub Action installs only a binary listed here."
    for name in "${names[@]}"; do echo "$(sha256 "$out/$name")  $name"; done
  } > "$pins"
  echo "check-release: wrote $pins for $version"
  exit 0
fi

mismatch=()
for name in "${names[@]}"; do
  grep -qx "$(sha256 "$out/$name")  $name" "$pins" || mismatch+=("$name")
done
pinned_go=$(sed -n 's/^# with \(go[^;]*\);.*/\1/p' "$pins")
if [ "$mode" = release ]; then
  [ "$pinned_go" = "$(go env GOVERSION)" ] || die "$pins was made with ${pinned_go:-an unknown Go}, this is $(go env GOVERSION): build the release with the same Go"
  [ "${#mismatch[@]}" = 0 ] || die "these builds differ from $pins: ${mismatch[*]} (pin again with --pin before tagging)"
  echo "check-release: $version: the ${#names[@]} builds are the pinned ones"
  exit 0
fi
echo "check-release: $config builds ${#names[@]} targets: ${names[*]}"
if [ "${#mismatch[@]}" != 0 ]; then
  echo "check-release: note: $pins pins another tree than this one (expected between releases; --pin before tagging)"
fi
