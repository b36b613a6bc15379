package org.radmamba.viewer.fx.viewport;

import java.util.List;

/**
 * The usual CT windows (centre/width in HU), as radiology teaching material and most PACS ship them
 * (e.g. Radiopaedia "Windowing (CT)"; brain 40/80, subdural 75/215 in the middle of the usual 50-100/130-300
 * range, stroke 40/40 (32-40/8-40), lung -600/1500, mediastinum 50/350, abdomen soft tissue 60/400 (50/400),
 * liver 30/150, bone 400/1800).
 */
public final class CtPresets {

    public static final List<WindowLevel> ALL = List.of(
            new WindowLevel(40, 80, "Brain"),
            new WindowLevel(75, 215, "Subdural"),
            new WindowLevel(40, 40, "Stroke"),
            new WindowLevel(-600, 1500, "Lung"),
            new WindowLevel(50, 350, "Mediastinum"),
            new WindowLevel(60, 400, "Abdomen"),
            new WindowLevel(30, 150, "Liver"),
            new WindowLevel(400, 1800, "Bone"));

    private CtPresets() {
    }
}
