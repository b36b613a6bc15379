package org.radmamba.inference.scan;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What the user asked for ({@code --device cpu|cuda|auto}, the system property {@value #PROPERTY} or the
 * environment variable {@value #ENVIRONMENT}): {@link #AUTO} takes a usable NVIDIA GPU when there is one.
 */
public enum ScanDevicePreference {
    AUTO, CPU, CUDA;

    /** System property naming the preference; wins over the environment variable. */
    public static final String PROPERTY = "radmamba.scan.device";
    /** Environment variable naming the preference. */
    public static final String ENVIRONMENT = "RADMAMBA_SCAN_DEVICE";

    /** Parses {@code cpu}, {@code cuda} or {@code auto}, in any case. */
    public static ScanDevicePreference parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto" -> AUTO;
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> throw new IllegalArgumentException("scan device must be cpu, cuda or auto, was '" + text + "'");
        };
    }

    /** The preference from {@value #PROPERTY}, else {@value #ENVIRONMENT}, else {@link #AUTO}. */
    public static ScanDevicePreference configured() {
        return configured(System::getProperty, System.getenv());
    }

    static ScanDevicePreference configured(Function<String, String> properties, Map<String, String> environment) {
        String property = properties.apply(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property);
        }
        String variable = environment.get(ENVIRONMENT);
        if (variable != null && !variable.isBlank()) {
            return parse(variable);
        }
        return AUTO;
    }

    /** The form the command line and the settings use: {@code auto}, {@code cpu}, {@code cuda}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
