package org.radmamba.app.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code radmamba bench model|scan|load|viewer|series|retrieve|batch}: the performance benchmarks, tools for RadMamba's developers (the
 * figures of docs/performance.md), not features of the viewer. They sit under one group so that the user's command
 * list stays the user's; {@code radmamba --help} names the group in a section of its own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        // Out of the user's command list; RadMambaCommand lists it under "Developer tools" instead.
        hidden = true,
        subcommands = {BenchModelCommand.class, BenchScanCommand.class, BenchLoadCommand.class,
                BenchViewerCommand.class, BenchSeriesCommand.class,
                BenchRetrieveCommand.class, BenchBatchCommand.class, BenchAotCacheCommand.class},
        description = {"Performance benchmarks for RadMamba's developers (docs/performance.md): they generate their"
                + " own data or use random model weights, and print timings; none of them reads or changes a study."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** {@code radmamba bench} alone names no benchmark: a usage error that lists them. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "Missing benchmark: one of model, scan, load, viewer, series, retrieve, batch, aot-cache");
    }
}
