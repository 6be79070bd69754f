#!/bin/sh
# The archive runner's module interpreter (scripts/bench/archive.yml): the venv's Python ($BENCH_PYTHON), started
# through launch.py so that the module's own process writes its CPU seconds and peak RSS to $BENCH_MODULE_USAGE.
if [ -n "$BENCH_MODULE_USAGE" ] && [ -n "$BENCH_PYTHON" ]; then
    exec "$BENCH_PYTHON" -S "$(dirname "$0")/launch.py" "$BENCH_MODULE_USAGE" -- "$BENCH_PYTHON" "$@"
fi
exec "$(dirname "$0")/../../.venv/bin/python" "$@"
