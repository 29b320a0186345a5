package org.jsgx.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * struct file: one open of a device node, with its access mode and the driver's private data
 * (the enclave, for /dev/sgx_enclave). File descriptors and mappings each hold a reference;
 * the driver's release runs when the last one goes.
 */
public final class OpenFile {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;

    private final DeviceNode node;
    private final int flags;
    private final AtomicInteger refs = new AtomicInteger(1);
    volatile Object privateData;

    OpenFile(DeviceNode node, int flags) {
        this.node = node;
        this.flags = flags;
    }

    public DeviceNode node() {
        return node;
    }

    FileOperations ops() {
        return node.ops();
    }

    public Object privateData() {
        return privateData;
    }

    boolean readable() {
        int acc = flags & O_ACCMODE;
        return acc == O_RDONLY || acc == O_RDWR;
    }

    boolean writable() {
        int acc = flags & O_ACCMODE;
        return acc == O_WRONLY || acc == O_RDWR;
    }

    void get() {
        refs.incrementAndGet();
    }

    /** fput: the driver's release when this was the last reference. */
    void put(Task task) {
        if (refs.decrementAndGet() == 0) {
            node.ops().release(this, task);
        }
    }
}
