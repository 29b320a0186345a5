package org.jsgx.kernel;

import java.util.Map;
import java.util.TreeMap;

/** /dev: the device nodes drivers register, by path. */
public final class DevFs {
    private final Map<String, DeviceNode> nodes = new TreeMap<>();

    /** misc_register: a node owned by root:root with {@code mode}. */
    synchronized DeviceNode register(String path, FileOperations ops, int mode) {
        DeviceNode n = new DeviceNode(path, ops, mode);
        nodes.put(path, n);
        return n;
    }

    /** The node at {@code path}, or null. */
    public synchronized DeviceNode lookup(String path) {
        return nodes.get(path);
    }
}
