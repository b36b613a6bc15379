package org.radmamba.viewer.dicom.codec.jpeg2000;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One tile's coding parameters and data (OpenJPEG's {@code opj_tcp_t}): the main header's defaults as amended by
 * the tile-part headers, every tile-part's bytes concatenated in code-stream order, and its packet headers when
 * PPM/PPT carry them.
 */
final class TileCoding {

    static final int CSTY_PRECINCTS = 0x01;
    static final int CSTY_SOP = 0x02;
    static final int CSTY_EPH = 0x04;

    int codingStyle;
    int progression;
    int layers = 1;
    int mct;
    CodingStyle[] components;
    /** Set per component by a COC (or QCC) in the current scope, which a later COD (QCD) of that scope must not undo. */
    boolean[] cocSet;
    boolean[] qccSet;
    /** Progression order changes: {resno0, compno0, layno1, resno1, compno1, prg}. */
    final List<int[]> pocs = new ArrayList<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteArrayOutputStream ppt;
    /** Packet headers from PPM, one chunk per tile-part of this tile in code-stream order. */
    ByteArrayOutputStream ppmHeaders;

    TileCoding copyDefaults() {
        TileCoding t = new TileCoding();
        t.codingStyle = codingStyle;
        t.progression = progression;
        t.layers = layers;
        t.mct = mct;
        t.components = new CodingStyle[components.length];
        for (int c = 0; c < components.length; c++) {
            t.components[c] = components[c].copy();
        }
        t.cocSet = new boolean[components.length];
        t.qccSet = new boolean[components.length];
        for (int[] poc : pocs) {
            t.pocs.add(poc.clone());
        }
        return t;
    }
}
