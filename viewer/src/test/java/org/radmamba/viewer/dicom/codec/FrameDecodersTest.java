package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecodersTest {

    @Test
    void every_encapsulated_syntax_of_the_codec_table_has_a_decoder() {
        assertEquals(Set.of(TransferSyntax.RLE_LOSSLESS, TransferSyntax.JPEG_BASELINE,
                TransferSyntax.JPEG_EXTENDED, TransferSyntax.JPEG_EXTENDED_ARITHMETIC,
                TransferSyntax.JPEG_SPECTRAL_SELECTION, TransferSyntax.JPEG_SPECTRAL_SELECTION_ARITHMETIC,
                TransferSyntax.JPEG_FULL_PROGRESSION, TransferSyntax.JPEG_FULL_PROGRESSION_ARITHMETIC,
                TransferSyntax.JPEG_LOSSLESS, TransferSyntax.JPEG_LOSSLESS_SV1, TransferSyntax.JPEG_LOSSLESS_ARITHMETIC,
                TransferSyntax.JPEG_LS_LOSSLESS, TransferSyntax.JPEG_LS_NEAR_LOSSLESS,
                TransferSyntax.JPEG_2000_LOSSLESS, TransferSyntax.JPEG_2000, TransferSyntax.HTJ2K_LOSSLESS,
                TransferSyntax.HTJ2K_LOSSLESS_RPCL, TransferSyntax.HTJ2K, TransferSyntax.DEFLATED_IMAGE_FRAME),
                FrameDecoders.supportedTransferSyntaxes());
    }

    @Test
    void each_decoder_is_found_by_every_syntax_it_claims() {
        for (String uid : FrameDecoders.supportedTransferSyntaxes()) {
            assertTrue(FrameDecoders.forTransferSyntax(uid).orElseThrow().transferSyntaxes().contains(uid), uid);
        }
    }

    @Test
    void a_uid_padded_with_a_space_is_found() {
        assertTrue(FrameDecoders.forTransferSyntax(TransferSyntax.RLE_LOSSLESS + " ").isPresent());
    }

    @ParameterizedTest(name = "{0} has no decoder")
    @ValueSource(strings = {"1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.100", ""})
    void native_and_unsupported_syntaxes_have_no_decoder(String uid) {
        assertTrue(FrameDecoders.forTransferSyntax(uid).isEmpty());
    }

    @Test
    void no_syntax_means_no_decoder() {
        assertTrue(FrameDecoders.forTransferSyntax(null).isEmpty());
    }
}
