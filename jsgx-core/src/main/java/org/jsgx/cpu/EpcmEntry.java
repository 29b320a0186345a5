package org.jsgx.cpu;

/**
 * One EPCM entry: the hardware's security metadata for an EPC page. Not software visible on
 * real hardware; the model exposes it read-only to tests and tools. Mutated only by leaves
 * (package-private setters), under the page's busy lock.
 */
public final class EpcmEntry {
    /**
     * [MODEL] Count of EPCM changes on every platform: an engine that caches permissions per page
     * (the x86 engine's TLB) re-validates them at enclave entry only when this moved.
     */
    private static final java.util.concurrent.atomic.AtomicLong CHANGES = new java.util.concurrent.atomic.AtomicLong();

    boolean valid;
    boolean r;
    boolean w;
    boolean x;
    PageType pageType = PageType.PT_SECS;
    boolean pending;
    boolean modified;
    boolean pr;
    boolean blocked;
    /** Owning SECS page (ENCLAVESECS), null for SECS and VA pages. */
    EpcPage enclaveSecs;
    /** ENCLAVEADDRESS: the linear address the page must be accessed at. */
    long enclaveAddress;
    /** [MODEL] epoch in which EBLOCK/EMODPR/EMODT happened (tracking checks). */
    long bepoch;

    public boolean valid() {
        return valid;
    }

    public boolean r() {
        return r;
    }

    public boolean w() {
        return w;
    }

    public boolean x() {
        return x;
    }

    public PageType pageType() {
        return pageType;
    }

    public boolean pending() {
        return pending;
    }

    public boolean modified() {
        return modified;
    }

    public boolean pr() {
        return pr;
    }

    public boolean blocked() {
        return blocked;
    }

    public EpcPage enclaveSecs() {
        return enclaveSecs;
    }

    public long enclaveAddress() {
        return enclaveAddress;
    }

    public long bepoch() {
        return bepoch;
    }

    /** [MODEL] The EPCM change count (see {@link #CHANGES}); moves after every entry change. */
    public static long changes() {
        return CHANGES.get();
    }

    private static void changed() {
        CHANGES.incrementAndGet();
    }

    void blocked(boolean b) {
        blocked = b;
        changed();
    }

    void pr(boolean b) {
        pr = b;
        changed();
    }

    void pending(boolean b) {
        pending = b;
        changed();
    }

    void modified(boolean b) {
        modified = b;
        changed();
    }

    void pageType(PageType t) {
        pageType = t;
        changed();
    }

    /** R/W/X as SECINFO permission bits. */
    public long perms() {
        return (r ? SecInfo.R : 0) | (w ? SecInfo.W : 0) | (x ? SecInfo.X : 0);
    }

    /** SECINFO.FLAGS describing this entry: type, RWX, PENDING, MODIFIED, PR (used by EWB). */
    public long secinfoFlags() {
        return SecInfo.flags(pageType, perms()) | (pending ? SecInfo.PENDING : 0)
                | (modified ? SecInfo.MODIFIED : 0) | (pr ? SecInfo.PR : 0);
    }

    void perms(long perms) {
        setPerms(perms);
        changed();
    }

    private void setPerms(long perms) {
        r = (perms & SecInfo.R) != 0;
        w = (perms & SecInfo.W) != 0;
        x = (perms & SecInfo.X) != 0;
    }

    /** Makes the entry valid with the given state; everything else cleared. */
    void set(PageType type, long perms, EpcPage secs, long address) {
        valid = true;
        pageType = type;
        setPerms(perms);
        pending = false;
        modified = false;
        pr = false;
        blocked = false;
        enclaveSecs = secs;
        enclaveAddress = address;
        bepoch = 0;
        changed(); // one count per leaf's update, not per field
    }

    /**
     * ELDB/ELDU: valid again with the type, RWX and PENDING/MODIFIED/PR bits of the PCMD's
     * SECINFO.FLAGS, blocked or not, with the given BEPOCH; one change count for it all.
     */
    void setLoaded(PageType type, long flags, EpcPage secs, long address, boolean blocked, long bepoch) {
        valid = true;
        pageType = type;
        setPerms(flags & SecInfo.RWX);
        pending = (flags & SecInfo.PENDING) != 0;
        modified = (flags & SecInfo.MODIFIED) != 0;
        pr = (flags & SecInfo.PR) != 0;
        this.blocked = blocked;
        enclaveSecs = secs;
        enclaveAddress = address;
        this.bepoch = bepoch;
        changed();
    }

    void invalidate() {
        valid = false;
        enclaveSecs = null;
        blocked = false;
        changed();
    }

    @Override
    public String toString() {
        if (!valid) {
            return "EPCM{invalid}";
        }
        return String.format("EPCM{%s %s%s%s%s%s%s%s addr=0x%x}", pageType, r ? "R" : "-", w ? "W" : "-",
                x ? "X" : "-", pending ? " PENDING" : "", modified ? " MODIFIED" : "", pr ? " PR" : "",
                blocked ? " BLOCKED" : "", enclaveAddress);
    }
}
