package org.jsgx.kernel;

/**
 * struct sgx_epc_lru_list: reclaimable pages in the order they became reclaimable (or were
 * given a second chance), linked through the pages themselves like the kernel's list_head, so
 * the list costs two references per page and no allocation. Callers hold the monitor of this
 * object (the list's spinlock).
 */
final class SgxEpcLru {
    private SgxEpcPage head, tail;
    /** Written under the list's lock; read without it by {@link #emptyLockless} (list_empty). */
    private volatile int size;

    void addLast(SgxEpcPage p) {
        p.prev = tail;
        p.next = null;
        if (tail == null) {
            head = p;
        } else {
            tail.next = p;
        }
        tail = p;
        size++;
    }

    /** list_del: O(1) for any page on this list. */
    void remove(SgxEpcPage p) {
        if (p.prev == null) {
            head = p.next;
        } else {
            p.prev.next = p.next;
        }
        if (p.next == null) {
            tail = p.prev;
        } else {
            p.next.prev = p.prev;
        }
        p.prev = p.next = null;
        size--;
    }

    SgxEpcPage pollFirst() {
        SgxEpcPage p = head;
        if (p != null) {
            remove(p);
        }
        return p;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** list_empty() as sgx_should_reclaim calls it: without the lock, a momentary answer. */
    boolean emptyLockless() {
        return size == 0;
    }
}
