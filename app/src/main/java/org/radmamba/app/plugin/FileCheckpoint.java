package org.radmamba.app.plugin;

import org.radmamba.plugins.api.Checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint of the model library. Plugins see only its name, size and a stream; the built-in architectures,
 * which read PyTorch's zip format with random access, take the path ({@code ai.BuiltInModels}).
 */
public record FileCheckpoint(Path path) implements Checkpoint {

    @Override
    public String fileName() {
        return path.getFileName().toString();
    }

    @Override
    public long size() throws IOException {
        return Files.size(path);
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(path);
    }
}
