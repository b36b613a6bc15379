package org.radmamba.plugins.api;

import java.util.List;
import java.util.Objects;

/**
 * What a viewer tool found: a title, named values, and series (e.g. a histogram) the host may draw as bars.
 */
public record ToolResult(String title, List<Measurement> measurements, List<Series> series) {
    public ToolResult {
        Objects.requireNonNull(title, "title");
        measurements = List.copyOf(measurements);
        series = List.copyOf(series);
    }

    /** One named value, e.g. ("mean", 100.0, "") or ("area", 12.5, "mm²"). */
    public record Measurement(String name, double value, String unit) {
        public Measurement {
            Objects.requireNonNull(name, "name");
            unit = unit == null ? "" : unit;
        }

        /** "name: value unit": whole numbers without decimals, others with two. */
        public String formatted() {
            String number = value == Math.rint(value) && Math.abs(value) < 1e15
                    ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.2f", value);
            return name + ": " + number + (unit.isEmpty() ? "" : " " + unit);
        }
    }

    /**
     * Values at evenly spaced positions: value {@code i} belongs to {@code start + i × step} (a histogram's bins).
     */
    public record Series(String name, double start, double step, double[] values) {
        public Series {
            Objects.requireNonNull(name, "name");
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Series s && s.name.equals(name) && Double.compare(s.start, start) == 0
                    && Double.compare(s.step, step) == 0 && java.util.Arrays.equals(s.values, values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, start, step, java.util.Arrays.hashCode(values));
        }
    }
}
