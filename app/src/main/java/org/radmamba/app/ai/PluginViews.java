package org.radmamba.app.ai;

import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.PixelSpacing;
import org.radmamba.plugins.api.RasterImage;

/**
 * What a viewer tool is handed of an image: its displayed pixels (copied) and pixel spacing. The image's id (which
 * names the file or SOP Instance UID) stays behind.
 */
public final class PluginViews {

    private PluginViews() {
    }

    public static ImageView of(AiImage image) {
        var px = image.pixels();
        return new ImageView(new RasterImage(px.width(), px.height(), px.channels(), px.pixels()),
                image.spacing().map(s -> new PixelSpacing(s.rowSpacingMm(), s.columnSpacingMm())));
    }
}
