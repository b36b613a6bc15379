package org.radmamba.app.ai;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * How closely TF32 agreed with float32 when it was last measured, as the AI panel states it beside the TF32 choice.
 * The figures are data, not code: {@value #RESOURCE} beside this class, which whoever measures them on a GPU (the
 * demo models on their held-out images) updates.
 *
 * @param card       the GPU it was measured on, e.g. "NVIDIA H100 80GB HBM3"
 * @param date       when, as an ISO date
 * @param classifier the demo classifier's agreement, e.g. "top-1 agreement 24 of 24, max probability difference 0.002"
 * @param segmenter  the demo segmenter's, e.g. "Dice against float32 0.998 (min 0.99) over 12 masks"
 * @param images     what the images were
 */
public record PrecisionAgreement(String card, String date, String classifier, String segmenter, String images) {

    /** The resource, in this class's package. */
    static final String RESOURCE = "tf32-agreement.properties";

    /**
     * The figures shipped with the application.
     *
     * @throws IllegalStateException when the resource is missing or lacks a key: the application was built wrong
     */
    public static PrecisionAgreement tf32() {
        try (InputStream in = PrecisionAgreement.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the application");
            }
            Properties figures = new Properties();
            figures.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return new PrecisionAgreement(required(figures, "card"), required(figures, "date"),
                    required(figures, "classifier"), required(figures, "segmenter"), required(figures, "images"));
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + " cannot be read", e);
        }
    }

    private static String required(Properties figures, String key) {
        String value = figures.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(RESOURCE + " has no '" + key + "'");
        }
        return value.strip();
    }

    /** "TF32 against float32 on IMAGES (CARD, DATE): classifier CLASSIFIER; segmenter SEGMENTER." */
    public String sentence() {
        return "TF32 against float32 on " + images + " (" + card + ", " + date + "): classifier " + classifier
                + "; segmenter " + segmenter + ".";
    }
}
