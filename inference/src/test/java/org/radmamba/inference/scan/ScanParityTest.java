package org.radmamba.inference.scan;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both CPU scans against the float64 golden scans of /work/shared/fixtures. */
class ScanParityTest {

    static Stream<Arguments> scansAndFixtures() {
        return Stream.of("reference", "cpu-simd").flatMap(scan ->
                Stream.of("scan_small", "scan_stage1").map(fixture -> Arguments.of(scan, fixture)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("scansAndFixtures")
    void the_scan_matches_the_float64_golden_output_within_1e_5_of_its_largest_value(String implementation,
                                                                                     String fixtureName) {
        ScanFixture fixture = ScanFixture.load(fixtureName);
        float[] y = new float[fixture.expected().length];

        try (CpuSimdScan simd = new CpuSimdScan(2)) {
            SelectiveScan scan = implementation.equals("reference") ? new ReferenceScan() : simd;
            scan.scan(fixture.shape(), fixture.inputs(), y);
        }

        double error = Deviation.maxAbsoluteDifference(y, fixture.expected());
        double scale = Deviation.maxAbsolute(fixture.expected());
        assertTrue(scale > 0.1, "the golden output of " + fixtureName + " is not trivially zero");
        assertTrue(error <= 1e-5 * scale, implementation + " on " + fixtureName + ": max |y - y_ref| = " + error
                + ", allowed " + 1e-5 * scale);
    }
}
