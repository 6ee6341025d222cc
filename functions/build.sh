#!/usr/bin/env bash
# Builds the sample functions into OUT_DIR:
#   OUT_DIR/go/<name>/function   static Go binaries, one per functions/go/<name>/main.go
#   OUT_DIR/go/{read,static}/data.bin   50 MiB of fixed pseudo-random data (one file, hard-linked)
#   OUT_DIR/node/hello/index.js
#   OUT_DIR/guest/init              PID 1 of the Linux microVM guests (not a function)
#   OUT_DIR/vmm/keep-heap.so        preloaded into QEMUs that restore snapshots (not a function);
#                                   only where a C compiler is installed
#   OUT_DIR/go/<name>/function.pie  the same function as a position-independent executable linked
#                                   against libc, which is how OSv runs Go (a static binary hangs
#                                   there); only where a C compiler is installed
# The Go binaries are reproducible: the same sources and toolchain give the same bytes.
# Nothing is downloaded; the Go build cache is $GOCACHE, else OUT_DIR/.cache/go-build.
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
if ! command -v go >/dev/null 2>&1; then
    echo "go is not installed: apt-get install -y golang-go" >&2
    exit 1
fi

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
OUT_DIR=$(cd "$1" && pwd)
DATA_SIZE=52428800 # 50 MiB

export GOCACHE="${GOCACHE:-$OUT_DIR/.cache/go-build}"
export GOPATH="${GOPATH:-$OUT_DIR/.cache/gopath}"
export GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GO111MODULE=on GOWORK=off GOFLAGS=
export CGO_ENABLED=0

# Everything in one go build, which compiles in parallel; then each binary is moved to
# its place, unless the bytes there are already the same.
STAGING="$OUT_DIR/.cache/bin"
rm -rf "$STAGING"
mkdir -p "$STAGING"
(cd "$SRC_DIR/go" && go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$STAGING/" ./...)

for main in "$SRC_DIR"/go/*/main.go; do
    name=$(basename "$(dirname "$main")")
    target="$OUT_DIR/go/$name/function"
    mkdir -p "$(dirname "$target")"
    if cmp -s "$STAGING/$name" "$target"; then
        echo "go/$name/function (unchanged)"
    else
        mv -f "$STAGING/$name" "$target"
        echo "go/$name/function"
    fi
done

# Test fixtures (functions/go/testing/*): functions that misbehave on purpose, for the sandbox tests.
for main in "$SRC_DIR"/go/testing/*/main.go; do
    name=$(basename "$(dirname "$main")")
    target="$OUT_DIR/testing/go/$name/function"
    mkdir -p "$(dirname "$target")"
    if cmp -s "$STAGING/$name" "$target"; then
        echo "testing/go/$name/function (unchanged)"
    else
        mv -f "$STAGING/$name" "$target"
        echo "testing/go/$name/function"
    fi
done

INIT_TARGET="$OUT_DIR/guest/init"
mkdir -p "$(dirname "$INIT_TARGET")"
if cmp -s "$STAGING/guestinit" "$INIT_TARGET"; then
    echo "guest/init (unchanged)"
else
    mv -f "$STAGING/guestinit" "$INIT_TARGET"
    echo "guest/init"
fi

# The library restoring QEMUs run with (see the file), where a C compiler is installed.
KEEP_HEAP_TARGET="$OUT_DIR/vmm/keep-heap.so"
if command -v gcc >/dev/null 2>&1; then
    mkdir -p "$(dirname "$KEEP_HEAP_TARGET")"
    gcc -O2 -Wall -Werror -shared -fPIC -o "$STAGING/keep-heap.so" "$SRC_DIR/vmm/keep-heap.c"
    if cmp -s "$STAGING/keep-heap.so" "$KEEP_HEAP_TARGET"; then
        echo "vmm/keep-heap.so (unchanged)"
    else
        mv -f "$STAGING/keep-heap.so" "$KEEP_HEAP_TARGET"
        echo "vmm/keep-heap.so"
    fi
else
    echo "no gcc: skipping vmm/keep-heap.so, without which restores are slower (apt-get install -y gcc)"
fi

# OSv: PIE builds, all in one go build; cgo links them with the system's C toolchain.
if command -v gcc >/dev/null 2>&1; then
    PIE_STAGING="$OUT_DIR/.cache/pie"
    rm -rf "$PIE_STAGING"
    mkdir -p "$PIE_STAGING"
    functions=()
    for main in "$SRC_DIR"/go/*/main.go "$SRC_DIR"/go/testing/*/main.go; do
        functions+=("./${main#"$SRC_DIR/go/"}")
        functions[-1]="${functions[-1]%/main.go}"
    done
    (cd "$SRC_DIR/go" && CGO_ENABLED=1 go build -trimpath -buildvcs=false -buildmode=pie \
        -ldflags='-s -w -buildid= -linkmode external -extldflags=-Wl,--build-id=none' -o "$PIE_STAGING/" "${functions[@]}")
    for built in "$PIE_STAGING"/*; do
        name=$(basename "$built")
        target="go/$name/function.pie"
        [ -d "$OUT_DIR/go/$name" ] || target="testing/go/$name/function.pie"
        if cmp -s "$built" "$OUT_DIR/$target"; then
            echo "$target (unchanged)"
        else
            mv -f "$built" "$OUT_DIR/$target"
            echo "$target"
        fi
    done
    rm -rf "$PIE_STAGING"
else
    echo "no gcc: skipping the PIE builds OSv needs (apt-get install -y gcc)"
fi

has_data() {
    [ -f "$1" ] && [ "$(wc -c <"$1")" -eq "$DATA_SIZE" ]
}

DATA="$OUT_DIR/go/read/data.bin"
if has_data "$DATA"; then
    echo "go/read/data.bin (exists)"
else
    "$STAGING/mkdata" "$DATA.tmp" "$DATA_SIZE"
    mv -f "$DATA.tmp" "$DATA"
    echo "go/read/data.bin ($DATA_SIZE bytes)"
fi
STATIC_DATA="$OUT_DIR/go/static/data.bin"
if has_data "$STATIC_DATA"; then
    echo "go/static/data.bin (exists)"
else
    ln -f "$DATA" "$STATIC_DATA" 2>/dev/null || cp -f "$DATA" "$STATIC_DATA"
    echo "go/static/data.bin (linked to go/read/data.bin)"
fi

NODE_TARGET="$OUT_DIR/node/hello/index.js"
mkdir -p "$(dirname "$NODE_TARGET")"
if cmp -s "$SRC_DIR/node/hello/index.js" "$NODE_TARGET"; then
    echo "node/hello/index.js (unchanged)"
else
    cp -f "$SRC_DIR/node/hello/index.js" "$NODE_TARGET"
    echo "node/hello/index.js"
fi

rm -rf "$STAGING"
