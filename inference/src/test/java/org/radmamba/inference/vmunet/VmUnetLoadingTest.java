package org.radmamba.inference.vmunet;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmUnetLoadingTest {

    @Test
    void the_binary_fixture_loads_with_its_architecture() {
        try (VmUnet model = VmUnet.load(VmUnetFixtures.stateDict("vmunet_tiny_binary"))) {
            assertEquals(1, model.config().classes());
            assertEquals(32, model.config().sizeDivisor());
        }
    }

    @Test
    void a_missing_tensor_is_named() {
        String message = refusal(t -> t.remove("vmunet.layers_up.1.upsample.expand.weight"));

        assertTrue(message.contains("layers_up.1.upsample.expand.weight"), message);
        assertTrue(message.startsWith("edited.pth: "), message);
    }

    @Test
    void an_unexpected_tensor_is_named() {
        String message = refusal(t -> t.put("vmunet.layers_up.0.extra.weight",
                new CheckpointTensor("x", new long[] {2}, new float[2], "float32")));

        assertTrue(message.contains("unexpected key"), message);
        assertTrue(message.contains("layers_up.0.extra.weight"), message);
    }

    @Test
    void a_tensor_of_the_wrong_shape_is_named_with_both_shapes() {
        String message = refusal(t -> t.put("vmunet.final_up.norm.weight",
                new CheckpointTensor("x", new long[] {5}, new float[5], "float32")));

        assertTrue(message.contains("final_up.norm.weight"), message);
        assertTrue(message.contains("(5,)") && message.contains("(4,)"), message);
    }

    @Test
    void a_checkpoint_without_vmunet_keys_is_refused() {
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
        tensors.put("patch_embed.proj.weight", new CheckpointTensor("x", new long[] {1}, new float[1], "float32"));

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> VmUnet.load(new StateDict("medmamba.pth", tensors)));

        assertTrue(e.getMessage().contains("vmunet."), e.getMessage());
    }

    private static String refusal(Consumer<Map<String, CheckpointTensor>> edit) {
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>(VmUnetFixtures.stateDict("vmunet_tiny_binary").asMap());
        edit.accept(tensors);
        return assertThrows(CheckpointException.class,
                () -> VmUnet.load(new StateDict("edited.pth", tensors))).getMessage();
    }
}
