package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * One component's coding parameters in one tile (OpenJPEG's {@code opj_tccp_t}): COD/COC, QCD/QCC and RGN values.
 */
final class CodingStyle {

    static final int MAX_BANDS = 3 * 32 + 1;

    int numResolutions = 1;
    int codeBlockWidthExp = 6;
    int codeBlockHeightExp = 6;
    int codeBlockStyle;
    /** 1: reversible 5/3, 0: irreversible 9/7. */
    int transform = 1;
    final int[] precinctWidthExp = new int[33];
    final int[] precinctHeightExp = new int[33];
    int quantStyle;
    int guardBits = 2;
    final int[] exponent = new int[MAX_BANDS];
    final int[] mantissa = new int[MAX_BANDS];
    int roiShift;

    CodingStyle() {
        java.util.Arrays.fill(precinctWidthExp, 15);
        java.util.Arrays.fill(precinctHeightExp, 15);
    }

    CodingStyle copy() {
        CodingStyle c = new CodingStyle();
        c.copyCodingFrom(this);
        c.copyQuantisationFrom(this);
        c.roiShift = roiShift;
        return c;
    }

    void copyCodingFrom(CodingStyle o) {
        numResolutions = o.numResolutions;
        codeBlockWidthExp = o.codeBlockWidthExp;
        codeBlockHeightExp = o.codeBlockHeightExp;
        codeBlockStyle = o.codeBlockStyle;
        transform = o.transform;
        System.arraycopy(o.precinctWidthExp, 0, precinctWidthExp, 0, precinctWidthExp.length);
        System.arraycopy(o.precinctHeightExp, 0, precinctHeightExp, 0, precinctHeightExp.length);
    }

    void copyQuantisationFrom(CodingStyle o) {
        quantStyle = o.quantStyle;
        guardBits = o.guardBits;
        System.arraycopy(o.exponent, 0, exponent, 0, MAX_BANDS);
        System.arraycopy(o.mantissa, 0, mantissa, 0, MAX_BANDS);
    }
}
