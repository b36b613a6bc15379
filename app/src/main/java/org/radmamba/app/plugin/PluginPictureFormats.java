package org.radmamba.app.plugin;

import org.radmamba.plugins.api.RasterImage;
import org.radmamba.viewer.picture.Picture;
import org.radmamba.viewer.picture.PictureFormats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The viewer's {@link PictureFormats} port over the image sources ({@code pluginId.source.name}) of a registry's
 * enabled plugins: a file whose suffix a source claims and whose first bytes it accepts is read by it, through the
 * registry (so a source that throws disables its plugin). For a file nothing reads, it says which plugins claim
 * its suffix, if any, so that "not a DICOM file" is not the only reason a user sees.
 */
public final class PluginPictureFormats implements PictureFormats {

    /** Suffixes of DICOM files: a file named so that fails is a broken DICOM file, and the DICOM reason stands. */
    private static final Set<String> DICOM_SUFFIXES = Set.of("dcm", "dicom", "dic", "ima");

    private final PluginRegistry plugins;

    public PluginPictureFormats(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @Override
    public Optional<Format> formatOf(Path file) throws IOException {
        Optional<PluginRegistry.Format> found = plugins.formatFor(file);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PluginRegistry.Format format = found.get();
        String description = format.description() + ", from the plugin " + pluginOf(format.id());
        return Optional.of(new Format() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Picture read(Path path) throws IOException {
                RasterImage image;
                try {
                    image = plugins.readImage(format.id(), path);
                } catch (PluginException e) {
                    throw new IOException(e.getMessage(), e);
                }
                return new Picture(image.width(), image.height(), image.samples(), image.copyPixels());
            }
        });
    }

    /** What the plugin image sources of the registry have to say about a file nothing reads. */
    @Override
    public Optional<String> unsupported(Path file) {
        String suffix = suffix(file);
        if (suffix.isEmpty() || DICOM_SUFFIXES.contains(suffix) || suffix.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        List<PluginRegistry.Format> claiming = plugins.formatsClaiming(file.getFileName().toString());
        if (claiming.isEmpty()) {
            return Optional.of("is not a DICOM file or a photograph (PNG, JPEG, BMP, TIFF), and no enabled plugin"
                    + " reads ." + suffix + " files");
        }
        PluginRegistry.Format first = claiming.getFirst();
        return Optional.of("is not a DICOM file, and its first bytes are not those of a " + first.description()
                + " (" + first.id() + ") file");
    }

    private static String suffix(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String pluginOf(String extensionId) {
        int dot = extensionId.indexOf('.');
        return dot < 0 ? extensionId : extensionId.substring(0, dot);
    }
}
