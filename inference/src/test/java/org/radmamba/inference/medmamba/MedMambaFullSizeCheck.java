package org.radmamba.inference.medmamba;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Opt-in: MedMamba-T (58 MB) against its golden logits. Runs only with {@code -Dradmamba.fixtures=DIR}, DIR holding
 * {@code medmamba_t.pth}, {@code medmamba_t.input.npy} and {@code medmamba_t.output.npy}, e.g.
 * {@code mvn -pl inference test -Dtest=MedMambaFullSizeCheck -Dradmamba.fixtures=/work/shared/fixtures}.
 */
@EnabledIfSystemProperty(named = "radmamba.fixtures", matches = ".+")
class MedMambaFullSizeCheck {

    @Test
    void medmamba_t_gives_the_official_logits() throws Exception {
        Path dir = Path.of(System.getProperty("radmamba.fixtures"));
        try (MedMamba model = MedMamba.load(dir.resolve("medmamba_t.pth"));
             Parallel parallel = new Parallel(2);
             CpuSimdScan scan = new CpuSimdScan(2)) {
            assertArrayEquals(new int[] {2, 2, 4, 2}, model.config().depths());
            assertArrayEquals(new int[] {96, 192, 384, 768}, model.config().dims());
            MedMambaParityTest.assertParity(model, scan, parallel, dir.resolve("medmamba_t.input.npy"),
                    dir.resolve("medmamba_t.output.npy"));
        }
    }
}
