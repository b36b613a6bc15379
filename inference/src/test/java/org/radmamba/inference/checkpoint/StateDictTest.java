package org.radmamba.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StateDictTest {

    private static CheckpointTensor tensor(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new CheckpointTensor("", shape, new float[(int) n], "float32");
    }

    private static StateDict stateDict(String... keys) {
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
        for (String key : keys) {
            tensors.put(key, tensor(2, 3));
        }
        return new StateDict("model.pth", tensors);
    }

    @Test
    void a_missing_key_is_named_in_the_error() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> stateDict("a").get("head.weight"));
        assertEquals("model.pth: the checkpoint has no tensor 'head.weight'", e.getMessage());
    }

    @Test
    void a_wrong_shape_names_the_key_and_both_shapes() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> stateDict("head.weight").require("head.weight", 3, 2));
        assertEquals("model.pth: tensor 'head.weight' has shape (2, 3) but the model expects (3, 2)", e.getMessage());
    }

    @Test
    void tensors_carry_their_key_in_the_state_dict() {
        assertEquals("a.b", stateDict("a.b").get("a.b").key());
        assertEquals(3, stateDict("a.b").get("a.b").dim(-1));
    }

    @Test
    void keys_the_model_never_read_are_reported_except_batch_counters() {
        StateDict sd = stateDict("stem.weight", "blocks.0.norm.weight", "blocks.0.bn.num_batches_tracked", "extra.weight", "extra.bias");
        StateDict.Reader reader = sd.reader();
        reader.require("stem.weight", 2, 3);
        reader.at("blocks.0.").require("norm.weight", 2, 3);
        assertEquals(List.of("extra.weight", "extra.bias"), reader.unconsumedKeys());
        CheckpointException e = assertThrows(CheckpointException.class, reader::assertAllConsumed);
        assertEquals("model.pth: 2 unexpected key(s) that the model does not use: extra.weight, extra.bias", e.getMessage());
        reader.skip("extra.weight");
        reader.get("extra.bias");
        reader.assertAllConsumed();
    }

    @Test
    void a_prefix_is_stripped_from_the_keys_that_have_it() {
        StateDict sd = stateDict("vmunet.a", "vmunet.b", "other").withoutPrefix("vmunet.");
        assertEquals(List.of("a", "b", "other"), List.copyOf(sd.keys()));
        assertEquals("a", sd.get("a").key());
    }

    @Test
    void stripping_a_prefix_no_key_has_is_an_error() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> stateDict("a").withoutPrefix("vmunet."));
        assertEquals("model.pth: no key starts with 'vmunet.' (first key: 'a')", e.getMessage());
    }

    @Test
    void stripping_that_makes_two_keys_equal_is_an_error() {
        assertThrows(CheckpointException.class, () -> stateDict("vmunet.a", "a").withoutPrefix("vmunet."));
    }

    @Test
    void normalisation_unwraps_nested_wrappers_and_strips_data_parallel() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("module.conv.weight", 1);
        inner.put("module.conv.bias", 2);
        Map<String, Object> root = Map.of("model", Map.of("state_dict", inner), "epoch", 3);
        Map<String, Integer> sd = CheckpointKeys.normalise(root, Integer.class, "x.pth");
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(sd.keySet()));
        assertSame(1, sd.get("conv.weight"));
    }

    @Test
    void normalisation_leaves_a_partial_module_prefix_alone() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("module.weight", 1);
        root.put("head.weight", 2);
        assertEquals(List.of("module.weight", "head.weight"), List.copyOf(CheckpointKeys.normalise(root, Integer.class, "x.pth").keySet()));
    }

    @Test
    void a_dict_mixing_tensors_and_other_values_is_explained() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("w", 1);
        root.put("note", "hello");
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointKeys.normalise(root, Integer.class, "x.pth"));
        assertEquals("x.pth: the checkpoint is not a state dict: besides tensors, 'note' holds the string 'hello'", e.getMessage());
    }
}
