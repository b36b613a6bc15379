package org.radmamba.viewer.fx.model;

/** Gives a viewport the (possibly still loading) pixels of a series; loading starts near {@code startSlice}. */
@FunctionalInterface
public interface SeriesProvider {
    SeriesImages images(SeriesEntry entry, int startSlice);
}
