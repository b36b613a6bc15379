package org.radmamba.app.gui.ai;

import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;

/** Segmentation results as the viewer's overlay masks (plain pixels and class names; no inference types in the viewer). */
public final class Overlays {

    private Overlays() {
    }

    public static LabelMaskImage mask(SegmentationResult result) {
        return new LabelMaskImage(result.mask().width(), result.mask().height(), result.mask().labels(), result.labels());
    }
}
