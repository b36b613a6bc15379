package org.radmamba.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class MedMambaCheckpointTest {

    static Path resource(String name) {
        try {
            return Path.of(MedMambaCheckpointTest.class.getResource("/checkpoints/" + name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + name, e);
        }
    }

    @Test
    void the_tiny_medmamba_checkpoint_loads_with_its_official_keys_and_shapes() {
        StateDict sd = PthReader.read(resource("medmamba_tiny.pth"));
        assertEquals("medmamba_tiny.pth", sd.source());
        assertArrayEquals(new long[] {16, 3, 4, 4}, sd.get("patch_embed.proj.weight").shape());
        assertEquals("float32", sd.get("patch_embed.proj.weight").sourceDtype());
        assertEquals("patch_embed.proj.weight", sd.keys().iterator().next());
        assertTrue(sd.has("layers.0.blocks.0.self_attention.x_proj_weight"));
    }
}
