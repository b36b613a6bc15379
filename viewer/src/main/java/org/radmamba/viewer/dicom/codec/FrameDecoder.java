package org.radmamba.viewer.dicom.codec;

import java.util.Set;

/**
 * Decodes one frame of encapsulated (compressed) pixel data. Implementations are pure Java and stateless;
 * {@link FrameDecoders} picks one by transfer syntax.
 */
public interface FrameDecoder {

    /** Transfer syntax UIDs this decoder handles. */
    Set<String> transferSyntaxes();

    /**
     * @param encoded the frame's compressed bytes (all fragments of the frame concatenated, item headers removed)
     * @param format  the dataset's description of the frame
     * @throws CodecException with a one-sentence reason when the data is corrupt, truncated or not decodable
     */
    DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException;
}
