#!/usr/bin/env bash
# Runs the whole test suite (unit, conformance and CLI tests) with a JDK 25 found by itself.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/find-jdk.sh"
jsgx_find_jdk || exit 2
export JAVA_HOME="$JSGX_JAVA_HOME"
. "$root/scripts/unicorn-env.sh"
echo "test: x86 engine on ${JSGX_UNICORN_LIBRARY:-libunicorn.so.2 of the system}" >&2
cd "$root"
exec ./mvnw -B verify "$@"
