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
        assertEquals(Set.of(TransferSyntaxes.RLE_LOSSLESS, TransferSyntaxes.JPEG_BASELINE,
                TransferSyntaxes.JPEG_EXTENDED_12BIT, TransferSyntaxes.JPEG_EXTENDED_ARITHMETIC,
                TransferSyntaxes.JPEG_SPECTRAL_SELECTION, TransferSyntaxes.JPEG_SPECTRAL_SELECTION_ARITHMETIC,
                TransferSyntaxes.JPEG_FULL_PROGRESSION, TransferSyntaxes.JPEG_FULL_PROGRESSION_ARITHMETIC,
                TransferSyntaxes.JPEG_LOSSLESS, TransferSyntaxes.JPEG_LOSSLESS_SV1, TransferSyntaxes.JPEG_LOSSLESS_ARITHMETIC,
                TransferSyntaxes.JPEG_LS_LOSSLESS, TransferSyntaxes.JPEG_LS_NEAR_LOSSLESS,
                TransferSyntaxes.JPEG_2000_LOSSLESS, TransferSyntaxes.JPEG_2000, TransferSyntaxes.HTJ2K_LOSSLESS,
                TransferSyntaxes.HTJ2K_LOSSLESS_RPCL, TransferSyntaxes.HTJ2K, TransferSyntaxes.DEFLATED_IMAGE_FRAME),
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
        assertTrue(FrameDecoders.forTransferSyntax(TransferSyntaxes.RLE_LOSSLESS + " ").isPresent());
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
