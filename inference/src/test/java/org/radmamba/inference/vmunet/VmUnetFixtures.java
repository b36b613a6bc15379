package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The golden VM-UNet fixtures in the test resources. */
final class VmUnetFixtures {

    private VmUnetFixtures() {
    }

    /** The fixture checkpoints were copied to checkpoints/ or next to their golden files in fixtures/. */
    static Path checkpoint(String name) {
        String file = name + ".pth";
        return VmUnetFixtures.class.getResource("/checkpoints/" + file) != null
                ? resource("/checkpoints/" + file) : resource("/fixtures/" + file);
    }

    static StateDict stateDict(String name) {
        return PthReader.read(checkpoint(name));
    }

    static Path resource(String name) {
        try {
            return Path.of(VmUnetFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(name, e);
        }
    }
}
