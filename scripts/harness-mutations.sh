#!/usr/bin/env bash
# Applies deliberately broken variants of the cpu layer one at a time and reports which
# harness property catches each (the evidence table in RELIABILITY.md). Restores every file.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/find-jdk.sh"
jsgx_find_jdk || exit 2
export JAVA_HOME="$JSGX_JAVA_HOME"
cd "$root"
cpu=jsgx-core/src/main/java/org/jsgx/cpu
tests='CpuModelProperties,CpuWorkloadTest,IsolationProperties'
# name | file | python regex replacement (old ||| new)
mutations=(
  "EnclaveAccess skips the linear-address check|EnclaveAccess.java|e.enclaveAddress != (la & ~0xFFFL)|||false"
  "EnclaveAccess skips the owner (ENCLAVESECS) check|EnclaveAccess.java|e.enclaveSecs != lp.activeSecs|||false"
  "ELDU forgets to clear the VA slot|Eld.java|va.data().set(Struct.U64, rdx & 0xFFF, 0L);|||"
  "EREMOVE forgets the SECS child count|Eremove.java|Checks.state(e.enclaveSecs).children.decrementAndGet();|||"
  "EADD measures a TCS with its RWX bits|Eadd.java|flags &= ~SecInfo.RWX;|||"
  "EWB evicts a page that was never blocked|Ewb.java|if (!e.blocked) {|||if (false) {"
  "EINIT ignores ENCLAVEHASH|Einit.java|!Arrays.equals(sig.enclaveHash(), mrEnclave)|||false"
)
for m in "${mutations[@]}"; do
  IFS='|' read -r name file old _ _ new <<<"$m"
  f="$cpu/$file"
  cp "$f" "$f.orig"
  python3 - "$f" "$old" "$new" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
if old not in s:
    sys.exit("mutation site not found in " + p)
open(p, 'w').write(s.replace(old, new, 1))
PY
  out=$(./mvnw -q -B -o test -pl jsgx-core -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false 2>&1)
  caught=$(printf '%s\n' "$out" | grep -oE '(CpuModelProperties|CpuWorkloadTest|IsolationProperties)\.[A-Za-z]+' | sort -u | tr '\n' ' ')
  mv "$f.orig" "$f"
  touch "$f" # a newer mtime, so the next build recompiles the restored file
  printf '%s: %s\n' "$name" "${caught:-NOT CAUGHT}"
done
