# Sourced by ./jsgx and scripts/test.sh (with $root set): points the x86 engine at the Unicorn
# 2.1 in .deps/unicorn (scripts/fetch-unicorn.sh) unless JSGX_UNICORN_LIBRARY is already set;
# without it the engine loads the system's libunicorn.so.2.
if [ -z "${JSGX_UNICORN_LIBRARY:-}" ] && [ -f "$root/.deps/unicorn/usr/lib/x86_64-linux-gnu/libunicorn.so.2" ]; then
  export JSGX_UNICORN_LIBRARY="$root/.deps/unicorn/usr/lib/x86_64-linux-gnu/libunicorn.so.2"
fi
