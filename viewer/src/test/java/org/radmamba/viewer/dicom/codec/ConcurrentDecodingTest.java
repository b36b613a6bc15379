package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The registry's decoders are shared: several threads decoding at once get the same frames as one thread. */
class ConcurrentDecodingTest {

    private static final String[] FIXTURES = {"rle_rgb8", "jpeg_baseline_ybr422", "jpeg_lossless_sv1_mono16",
            "jpegls_rgb8_sample", "jpegls_near3_mono16", "j2k_rct_rgb8", "j2k_mono16s"};

    @Test
    void decoders_give_the_same_frames_when_shared_by_several_threads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (String name : FIXTURES) {
                DicomFixture fixture = DicomFixture.load(name);
                FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
                int frames = fixture.frames().size();
                List<int[]> expected = new ArrayList<>();
                for (byte[] frame : fixture.frames()) {
                    expected.add(DicomFixture.rawBits(decoder.decode(frame, fixture.format()).samples()));
                }
                List<Future<int[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    byte[] frame = fixture.frames().get(i % frames);
                    results.add(pool.submit(() -> DicomFixture.rawBits(decoder.decode(frame, fixture.format()).samples())));
                }
                for (int i = 0; i < results.size(); i++) {
                    assertArrayEquals(expected.get(i % frames), results.get(i).get(), name + " decode " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
