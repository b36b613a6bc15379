package org.radmamba.app;

import org.radmamba.app.ai.EngineChoice;
import org.radmamba.inference.cuda.NetworkPrecision;
import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * The {@code --precision float32|tf32} option of every command that takes {@code --device} (the commands of
 * {@code cli} and the benchmarks of {@code bench} alike, hence here beside {@link ExitCodes}): the arithmetic of the
 * GPU engine's matrix products ({@link NetworkPrecision}). A picocli mixin; the command parses it where it parses
 * {@code --device}, so that a bad value is the same one-line usage error.
 */
public final class PrecisionOption {

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|tf32",
            description = "the GPU engine's matrix products: float32 (exact) or tf32 (tensor cores, faster; compute "
                    + "capability 8.0 (Ampere) or newer); the CPU engine always runs float32 (default: ${DEFAULT-VALUE})")
    String precision;

    /**
     * The precision asked for.
     *
     * @throws IllegalArgumentException naming the accepted values ("precision 'x': expected float32 or tf32")
     */
    public NetworkPrecision asked() {
        return NetworkPrecision.parse(precision);
    }

    /**
     * The line for stderr when the engine runs another precision than {@code asked} (TF32 asked, the CPU engine chosen
     * because {@code --device cpu} said so, no GPU answers or the card is older than Ampere), e.g. "classify: ran in
     * float32, not tf32: Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) or newer"; empty when it runs
     * as asked. Machine-readable output states the precision that ran; this says why it is not the one asked for.
     */
    public static Optional<String> notApplied(String command, NetworkPrecision asked, EngineChoice choice) {
        return choice.precision() == asked ? Optional.empty() : Optional.of(command + ": ran in "
                + choice.precision().label() + ", not " + asked.label() + ": " + choice.reason());
    }
}
