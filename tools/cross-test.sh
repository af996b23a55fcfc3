#!/bin/sh
# make cross-test: the engine, the CLI and the unit tests built with
# Debian's cross compilers for each TRIPLET given, run under qemu-user; the
# CLI's output for every fixture in every mode must be byte for byte the
# native build's.  Prints the size of each stripped CLI.
#
#     tools/cross-test.sh BUILD NATIVE_SYNFILTER TRIPLET...
#
# Needs (as root: apt-get install, after dpkg --add-architecture arm64 armhf)
#   gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user-static
#   libpcre2-dev:arm64 libcmocka-dev:arm64 libpcre2-dev:armhf
#   libcmocka-dev:armhf
# (the Makefile's cross-deps target does this).

set -eu

build=$1
native=$2
shift 2

make=${MAKE:-make}
fail=0
sizes=""

# the summary line minus memory= and peak=: pointer sizes differ
summary() {
    tail -n 1 "$1" | sed 's/ memory=[0-9]* peak=[0-9]*//'
}

for t in "$@"; do
    case $t in
        aarch64-linux-gnu)    qemu=qemu-aarch64-static ;;
        arm-linux-gnueabihf)  qemu=qemu-arm-static ;;
        *) echo "cross-test: unknown target $t" >&2; exit 2 ;;
    esac

    for tool in "$t-gcc" "$qemu"; do
        command -v "$tool" >/dev/null || {
            echo "cross-test: $tool is missing: run 'make cross-deps'" \
                 "as root" >&2
            exit 2
        }
    done

    dir=$build/cross-$t
    echo "== $t: build"
    $make --no-print-directory BUILD="$dir" CC="$t-gcc" AR="$t-ar" \
        "$dir/synfilter" \
        $(for u in tests/unit/test_*.c; do
              n=${u##*/}; echo "$dir/opt/${n%.c}"; done) >"$dir.log" 2>&1 \
        || { tail -30 "$dir.log"; exit 1; }

    echo "== $t: unit tests under $qemu"
    for u in "$dir"/opt/test_*; do
        # the binaries only: a rerun finds the logs of the last one here
        case $u in *.out) continue ;; esac

        if SF_FIXTURES=tests/fixtures "$qemu" "$u" >"$u.out" 2>&1; then
            grep -h '^\[  PASSED  \]' "$u.out" | sed "s|^|   ${u##*/}: |"
        else
            echo "FAIL: $u under $qemu:"; tail -20 "$u.out"; fail=1
        fi
    done

    echo "== $t: fixtures against the native CLI"
    out=$dir/fixtures
    rm -rf "$out" && mkdir -p "$out"
    runs=0
    same=0
    rules=$(for r in conf/rules/*.rules; do printf ' -r %s' "$r"; done)

    for page in tests/fixtures/*.html; do
        name=${page##*/}
        name=${name%.html}
        i=0
        for mode in "" "--chunk 1" "--chunk 7" "--report" \
                    "--no-builtin$rules"; do
            i=$((i + 1))
            # shellcheck disable=SC2086
            "$native" $mode <"$page" >"$out/$name.$i.native" \
                2>"$out/$name.$i.native.err" || true
            # shellcheck disable=SC2086
            "$qemu" "$dir/synfilter" $mode <"$page" >"$out/$name.$i.cross" \
                2>"$out/$name.$i.cross.err" || true
            runs=$((runs + 1))
            if cmp -s "$out/$name.$i.native" "$out/$name.$i.cross" \
               && [ "$(summary "$out/$name.$i.native.err")" \
                    = "$(summary "$out/$name.$i.cross.err")" ]
            then
                same=$((same + 1))
            else
                echo "DIFFERS: $name mode '$mode' ($out/$name.$i.*)"
                fail=1
            fi
        done
    done
    echo "   $same/$runs outputs byte-identical to native"

    "$t-strip" -o "$dir/synfilter.stripped" "$dir/synfilter"
    sizes="$sizes$t $(wc -c <"$dir/synfilter.stripped")
"
done

strip -o "$build/synfilter.stripped" "$native"
echo "== stripped synfilter, bytes"
printf '%s\n' "native-$(uname -m) $(wc -c <"$build/synfilter.stripped")"
printf '%s' "$sizes"

if [ $fail -ne 0 ]; then
    echo "cross-test: FAILED"
    exit 1
fi
echo "cross-test: passed"
