package org.radmamba.inference.medmamba;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint that does not fit MedMamba fails with a message naming the key. */
class MedMambaCheckpointFitTest {

    private static StateDict official;

    @BeforeAll
    static void read() {
        official = PthReader.read(TestResources.path("/checkpoints/medmamba_tiny.pth"));
    }

    private static StateDict edited(Consumer<Map<String, CheckpointTensor>> edit) {
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>(official.asMap());
        edit.accept(tensors);
        return new StateDict("edited.pth", tensors);
    }

    private static String loadFailure(StateDict stateDict) {
        return assertThrows(CheckpointException.class, () -> MedMamba.load(stateDict).close()).getMessage();
    }

    @Test
    void a_missing_key_is_named() {
        String key = "layers.2.blocks.1.self_attention.Ds";
        String message = loadFailure(edited(t -> t.remove(key)));
        assertTrue(message.contains("edited.pth") && message.contains("'" + key + "'"), message);
    }

    @Test
    void a_wrong_shape_is_named_with_both_shapes() {
        String key = "layers.1.downsample.reduction.weight";
        String message = loadFailure(edited(t -> t.put(key, new CheckpointTensor(key, new long[] {64, 127},
                new float[64 * 127], "float32"))));
        assertTrue(message.contains("'" + key + "'") && message.contains("(64, 127)") && message.contains("(64, 128)"), message);
    }

    @Test
    void an_unexpected_key_is_named() {
        String key = "layers.0.blocks.0.self_attention.in_proj.bias";
        String message = loadFailure(edited(t -> t.put(key, new CheckpointTensor(key, new long[] {32}, new float[32], "float32"))));
        assertTrue(message.contains("unexpected") && message.contains(key), message);
    }

    @Test
    void a_final_norm_that_the_official_model_lacks_is_unexpected() {
        String message = loadFailure(edited(t -> t.put("norm.weight",
                new CheckpointTensor("norm.weight", new long[] {128}, new float[128], "float32"))));
        assertTrue(message.contains("norm.weight"), message);
    }

    @Test
    void the_depths_of_a_bigger_variant_are_counted_from_the_keys() {
        MedMambaConfig config = MedMambaConfig.infer(official);
        assertEquals(new MedMambaConfig(3, 4, new int[] {1, 1, 2, 1}, new int[] {16, 32, 64, 128}, 3), config);
    }
}
