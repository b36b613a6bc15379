package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetworkPrecisionTest {

    @Test
    void tf32_is_refused_before_ampere_in_one_wording_and_float32_is_not() {
        assertEquals("Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) or newer",
                NetworkPrecision.TF32.refusal("Tesla T4", 7, 5));
        assertNull(NetworkPrecision.TF32.refusal("NVIDIA A100", 8, 0));
        assertNull(NetworkPrecision.FLOAT32.refusal("Tesla T4", 7, 5));
        assertEquals("Tesla P100 has compute capability 6.0; float32 needs 7.0 (Volta) or newer",
                NetworkPrecision.FLOAT32.refusal("Tesla P100", 6, 0));
    }

    @Test
    void the_names_the_command_line_and_settings_use_parse_and_others_are_refused() {
        assertEquals(NetworkPrecision.TF32, NetworkPrecision.parse(" TF32 "));
        assertEquals(NetworkPrecision.FLOAT32, NetworkPrecision.parse("float32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkPrecision.parse("bf16"));
        assertEquals("precision 'bf16': expected float32 or tf32", e.getMessage());
    }
}
