package org.jsgx.kernel;

import java.util.Set;

/**
 * A task's credentials (struct cred): the ids that file permission checks use. uid 0 is root,
 * which bypasses the mode bits (CAP_DAC_OVERRIDE) as in Linux.
 */
public record Cred(int uid, int gid, Set<Integer> groups) {
    public Cred {
        groups = Set.copyOf(groups);
    }

    public static Cred root() {
        return new Cred(0, 0, Set.of());
    }

    public static Cred user(int uid, int gid, Integer... groups) {
        return new Cred(uid, gid, Set.of(groups));
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inGroup(int g) {
        return gid == g || groups.contains(g);
    }
}
