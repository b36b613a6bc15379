package org.radmamba.inference.segmentation;

/** Which neighbours join pixels into one component: edge neighbours only, or edge and corner neighbours. */
public enum Connectivity {
    /** The 4 pixels sharing an edge. */
    FOUR,
    /** The 8 pixels sharing an edge or a corner (the default: a lesion touching at a corner is one lesion). */
    EIGHT
}
