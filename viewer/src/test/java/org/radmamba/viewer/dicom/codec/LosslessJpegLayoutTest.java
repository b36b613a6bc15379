package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * JPEG lossless layouts that the Debian encoders never write (one scan per component, restart intervals),
 * encoded by {@link LosslessJpegWriter} from the fixtures' sources and decoded exactly.
 */
class LosslessJpegLayoutTest {

    @ParameterizedTest(name = "{0}, predictor {1}, restart every {2} lines, one scan per component {3}")
    @CsvSource({
            "src_rgb8, 7, 0, true",
            "src_rgb8, 4, 3, true",
            "src_rgb8, 6, 5, false",
            "src_mono16, 5, 4, false",
            "src_mono16, 1, 1, false",
            "src_mono12, 7, 7, false",
    })
    void unusual_lossless_layouts_decode_exactly(String sourceName, int predictor, int restartRows,
                                                 boolean oneScanPerComponent) throws CodecException {
        DicomFixture source = DicomFixture.load(sourceName);
        FrameFormat format = source.format();
        int[] expected = source.nativeRawBits(0);
        int n = format.samplesPerPixel();
        int pixels = format.rows() * format.columns();
        int[][] planes = new int[n][pixels];
        for (int i = 0; i < pixels; i++) {
            for (int c = 0; c < n; c++) {
                planes[c][i] = expected[i * n + c];
            }
        }
        byte[] encoded = LosslessJpegWriter.encode(planes, format.columns(), format.rows(), format.bitsStored(),
                predictor, restartRows, oneScanPerComponent);
        DecodedFrame decoded = FrameDecoders.forTransferSyntax(TransferSyntax.JPEG_LOSSLESS).orElseThrow()
                .decode(encoded, format);
        assertArrayEquals(expected, DicomFixture.rawBits(decoded.samples()));
    }
}
