package org.radmamba.inference.vmunet;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmUnetConfigTest {

    @Test
    void the_tiny_binary_fixture_is_read_as_depths_1111_dims_16_to_128_with_one_class() {
        VmUnetConfig arch = VmUnetConfig.infer(VmUnetFixtures.stateDict("vmunet_tiny_binary").withoutPrefix("vmunet."));

        assertArrayEquals(new int[] {1, 1, 1, 1}, arch.depths());
        assertArrayEquals(new int[] {1, 1, 1, 1}, arch.decoderDepths());
        assertArrayEquals(new int[] {16, 32, 64, 128}, arch.dims());
        assertArrayEquals(new int[] {128, 64, 32, 16}, arch.decoderDims());
        assertEquals(1, arch.classes());
        assertEquals(3, arch.inChannels());
        assertEquals(32, arch.sizeDivisor());
    }

    @Test
    void the_parameter_count_matches_the_official_module_for_both_fixtures() {
        StateDict binary = VmUnetFixtures.stateDict("vmunet_tiny_binary");
        StateDict multiclass = VmUnetFixtures.stateDict("vmunet_tiny_multiclass");

        assertEquals(598_109, VmUnetConfig.infer(binary.withoutPrefix("vmunet.")).parameterCount());
        assertEquals(598_124, VmUnetConfig.infer(multiclass.withoutPrefix("vmunet.")).parameterCount());
        assertEquals(binary.totalElements(), 598_109);
    }

    @Test
    void the_isic_configuration_has_27_4_million_parameters() {
        long parameters = VmUnetConfig.isic(1).parameterCount();

        assertTrue(parameters > 27_350_000 && parameters < 27_450_000, "parameters: " + parameters);
    }

    @Test
    void a_checkpoint_without_the_final_convolution_is_refused_naming_the_key() {
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>(VmUnetFixtures.stateDict("vmunet_tiny_binary").withoutPrefix("vmunet.").asMap());
        tensors.remove("final_conv.weight");

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> VmUnetConfig.infer(new StateDict("cut.pth", tensors)));

        assertTrue(e.getMessage().contains("final_conv.weight"), e.getMessage());
        assertTrue(e.getMessage().startsWith("cut.pth"), e.getMessage());
    }

    @Test
    void random_isic_weights_have_every_official_key_and_load() {
        VmUnetConfig isic = VmUnetConfig.isic(1);
        StateDict random = RandomVmUnetWeights.stateDict(isic, 1);

        assertEquals(isic.parameterCount(), random.totalElements());
        assertEquals(isic, VmUnetConfig.infer(random.withoutPrefix("vmunet.")));
        try (VmUnet model = VmUnet.load(random)) {
            assertEquals(isic, model.config());
        }
    }
}
