# Sourced by ./jsgx and .ci/run: sets JSGX_JAVA_HOME to a JDK whose major version is 25 or
# newer, looking at JAVA_HOME, then `java` on PATH, then every JDK under /usr/lib/jvm.
# Prints a clear message and returns 1 when there is none.

jsgx_java_major() {
  # "25.0.3" -> 25, "17.0.15" -> 17, "1.8.0_392" -> 8
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in
    1.*) echo "${v#1.}" ;;
    *) echo "${v%%.*}" ;;
  esac
}

jsgx_try_home() {
  local home="$1"
  [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  local major
  major=$(jsgx_java_major "$home/bin/java")
  [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null || return 1
  JSGX_JAVA_HOME="$home"
  return 0
}

jsgx_find_jdk() {
  JSGX_JAVA_HOME=""
  jsgx_try_home "${JAVA_HOME:-}" && return 0
  if command -v java >/dev/null 2>&1; then
    local onpath
    onpath=$(readlink -f "$(command -v java)")
    jsgx_try_home "$(dirname "$(dirname "$onpath")")" && return 0
  fi
  local d
  for d in /usr/lib/jvm/*; do
    [ -L "$d" ] && continue
    jsgx_try_home "$d" && return 0
  done
  cat >&2 <<'MSG'
jsgx: no JDK 25 found. jsgx needs Java 25 (LTS) with javac.
  Looked at: $JAVA_HOME, the `java` on PATH, and every JDK under /usr/lib/jvm.
  Install a JDK 25 (e.g. Eclipse Temurin 25) and set JAVA_HOME to it.
MSG
  return 1
}
