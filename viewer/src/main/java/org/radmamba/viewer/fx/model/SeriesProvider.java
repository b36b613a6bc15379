package org.radmamba.viewer.fx.model;

/** Gives a viewport the (possibly still loading) pixels of a series, and reads the slice it shows when asked. */
public interface SeriesProvider {

    /** The pixels of {@code entry}, loaded or loading; a first load starts near {@code startSlice}. */
    SeriesImages images(SeriesEntry entry, int startSlice);

    /**
     * The user is looking at {@code slice} of {@code images}, not decoded yet: unless a load reads it already, it is
     * read now, on the loads' workers, and arrives as every decoded slice does (a series still being scanned loads
     * only what is looked at until its scan ends).
     */
    void loadSliceInView(SeriesImages images, int slice);
}
