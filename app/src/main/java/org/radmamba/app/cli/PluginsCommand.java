package org.radmamba.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.plugin.PluginInfo;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.plugins.api.PluginApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code radmamba plugins}: the plugins found, enabled or disabled with the reason, and what each adds. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"Lists the plugins: the built-ins and those in the plugin folder, each with its id, name, version,",
                "where it came from, whether it is enabled (else why not) and the ids of its extensions",
                "(pluginId.model|source|tool.name). A disabled plugin is listed, not an error: the exit code is 0."})
public final class PluginsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    private boolean json;

    @Mixin
    private PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        Path folder = plugins.folder();
        try (PluginRegistry registry = plugins.open()) {
            List<PluginInfo> found = registry.plugins();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(found, folder)));
            } else {
                printText(found, folder, out);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printText(List<PluginInfo> found, Path folder, PrintWriter out) {
        for (PluginInfo p : found) {
            out.printf("%s  %s  %s  %s  (%s)%n", p.id(), p.name(), p.version().isEmpty() ? "-" : p.version(),
                    p.status(), p.source());
            if (!p.enabled()) {
                out.printf("    reason: %s%n", p.reason());
            }
            for (String extension : p.extensions()) {
                out.printf("    %s%n", extension);
            }
        }
        long disabled = found.stream().filter(p -> !p.enabled()).count();
        out.printf("%d plugin(s), %d disabled; plugin API %d; plugin folder %s%n", found.size(), disabled,
                PluginApi.VERSION, folder == null ? "not read (--no-plugins)" : folder.toAbsolutePath());
    }

    static Map<String, Object> toJson(List<PluginInfo> found, Path folder) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", PluginApi.VERSION);
        root.put("folder", folder == null ? null : folder.toAbsolutePath().toString());
        root.put("plugins", found.stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("name", p.name());
            m.put("version", p.version());
            m.put("source", p.source());
            m.put("builtIn", p.builtIn());
            m.put("status", p.status());
            m.put("reason", p.reason());
            m.put("extensions", p.extensions());
            return m;
        }).toList());
        return root;
    }
}
