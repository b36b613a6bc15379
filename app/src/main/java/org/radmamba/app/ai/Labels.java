package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Class names from a labels file: a JSON array, or MedMamba's {@code class_indices.json} (index → name). */
public final class Labels {

    private static final long MAX_FILE_BYTES = 4L << 20;

    private Labels() {
    }

    public static List<String> read(Path file) throws ModelException {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ModelException(file + ": a labels file larger than " + MAX_FILE_BYTES + " bytes is refused");
            }
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + ": labels are not readable as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        List<String> names = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(n -> names.add(n.asText()));
        } else if (root != null && root.isObject()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode name = root.get(Integer.toString(i));
                if (name == null) {
                    throw new ModelException(file + ": the label object has no key \"" + i + "\"");
                }
                names.add(name.asText());
            }
        } else {
            throw new ModelException(file + ": labels must be a JSON array or an object from index to name");
        }
        return names;
    }
}
