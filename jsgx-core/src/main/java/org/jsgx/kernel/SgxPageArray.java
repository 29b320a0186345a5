package org.jsgx.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * encl->page_array: the enclave's pages by page frame number of their address, an xarray — a
 * radix tree of 64-slot nodes that grows in height with the largest index, so an insert never
 * rehashes and needs no boxed key. Lookups and walks take no lock and see each slot as it was
 * last published (xa_load under RCU); inserts, erases and the final clear are serialised on
 * the array (the xa_lock), and the driver also holds encl->lock around them.
 */
final class SgxPageArray {
    /** XA_CHUNK_SHIFT: 64 slots per node. */
    private static final int CHUNK_SHIFT = 6;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    /** A node's slots: child nodes above the bottom level, pages at it. */
    private static final class Node extends AtomicReferenceArray<Object> {
        Node() {
            super(1 << CHUNK_SHIFT);
        }
    }

    /** The root and the shift of its level, published together (null: empty). */
    private record Head(Node root, int shift) {
    }

    private volatile Head head;
    /**
     * Entries present; changed under the lock with release order (after the entry's own
     * store), so a reader that sees a count also sees the entries it counts.
     */
    private int count;
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(SgxPageArray.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** xa_load: the page at {@code index}, or null. */
    SgxEnclPage get(long index) {
        Head h = head;
        if (h == null || (index >>> h.shift >>> CHUNK_SHIFT) != 0) {
            return null;
        }
        Node n = h.root;
        for (int s = h.shift; s > 0; s -= CHUNK_SHIFT) {
            n = (Node) n.getAcquire((int) (index >>> s) & CHUNK_MASK);
            if (n == null) {
                return null;
            }
        }
        return (SgxEnclPage) n.getAcquire((int) index & CHUNK_MASK);
    }

    boolean containsKey(long index) {
        return get(index) != null;
    }

    /** xa_insert: stores {@code page} unless the index is taken; returns the present entry or null. */
    synchronized SgxEnclPage putIfAbsent(long index, SgxEnclPage page) {
        Head h = head;
        if (h == null) {
            h = new Head(new Node(), 0);
        }
        while ((index >>> h.shift >>> CHUNK_SHIFT) != 0) {
            Node up = new Node(); // one level taller: the old tree becomes slot 0
            up.setRelease(0, h.root);
            h = new Head(up, h.shift + CHUNK_SHIFT);
        }
        if (h != head) {
            head = h;
        }
        Node n = h.root;
        for (int s = h.shift; s > 0; s -= CHUNK_SHIFT) {
            int i = (int) (index >>> s) & CHUNK_MASK;
            Node next = (Node) n.getPlain(i);
            if (next == null) {
                next = new Node();
                n.setRelease(i, next);
            }
            n = next;
        }
        int i = (int) index & CHUNK_MASK;
        SgxEnclPage present = (SgxEnclPage) n.getPlain(i);
        if (present != null) {
            return present;
        }
        n.setRelease(i, page);
        COUNT.setRelease(this, count + 1);
        return null;
    }

    /** xa_erase: removes and returns the entry at {@code index} (null if none). */
    synchronized SgxEnclPage remove(long index) {
        Head h = head;
        if (h == null || (index >>> h.shift >>> CHUNK_SHIFT) != 0) {
            return null;
        }
        Node n = h.root;
        for (int s = h.shift; s > 0 && n != null; s -= CHUNK_SHIFT) {
            n = (Node) n.getPlain((int) (index >>> s) & CHUNK_MASK);
        }
        if (n == null) {
            return null;
        }
        SgxEnclPage present = (SgxEnclPage) n.getPlain((int) index & CHUNK_MASK);
        if (present != null) {
            n.setRelease((int) index & CHUNK_MASK, null);
            COUNT.setRelease(this, count - 1);
        }
        return present;
    }

    /** xa_destroy. */
    synchronized void clear() {
        head = null;
        COUNT.setRelease(this, 0);
    }

    int size() {
        return (int) COUNT.getAcquire(this);
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** xa_for_each: the pages in index order, as a snapshot (entries changed meanwhile may be missed). */
    List<SgxEnclPage> values() {
        List<SgxEnclPage> out = new ArrayList<>(size());
        Head h = head;
        if (h != null) {
            collect(h.root, h.shift, out);
        }
        return out;
    }

    private static void collect(Node n, int shift, List<SgxEnclPage> out) {
        for (int i = 0; i <= CHUNK_MASK; i++) {
            Object o = n.getAcquire(i);
            if (o == null) {
                continue;
            }
            if (shift == 0) {
                out.add((SgxEnclPage) o);
            } else {
                collect((Node) o, shift - CHUNK_SHIFT, out);
            }
        }
    }
}
