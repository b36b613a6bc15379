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
    void the_architecture_of_the_tiny_fixture_is_counted_from_its_keys() {
        MedMambaConfig config = MedMambaConfig.infer(official);
        assertEquals(new MedMambaConfig(3, 4, new int[] {1, 1, 2, 1}, new int[] {16, 32, 64, 128}, 3), config);
    }

    @Test
    void medmamba_s_and_b_are_recognised_from_their_keys_and_shapes_alone() {
        for (MedMambaConfig variant : new MedMambaConfig[] {MedMambaConfig.small(7), MedMambaConfig.base(2)}) {
            assertEquals(variant, MedMambaConfig.infer(RandomMedMambaWeights.stateDict(variant, 3)));
        }
    }

    @Test
    void a_variant_with_three_layers_and_other_widths_loads_and_runs_with_no_configuration() {
        MedMambaConfig variant = new MedMambaConfig(3, 4, new int[] {2, 1, 1}, new int[] {32, 64, 128}, 5);
        try (MedMamba model = MedMamba.load(RandomMedMambaWeights.stateDict(variant, 11));
             org.radmamba.inference.nn.Parallel parallel = org.radmamba.inference.nn.Parallel.single()) {
            assertEquals(variant, model.config());
            float[] logits = model.run(new float[3 * 32 * 32], 1, 32, 32,
                    new org.radmamba.inference.nn.ComputeContext(parallel, new org.radmamba.inference.scan.ReferenceScan()));
            assertEquals(5, logits.length);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
    }
}
