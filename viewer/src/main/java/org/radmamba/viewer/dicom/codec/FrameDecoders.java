package org.radmamba.viewer.dicom.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of pixel-data codecs: one {@link FrameDecoder} per encapsulated transfer syntax. The codec table,
 * and why each codec was chosen, is docs/decisions/0003-pixel-data-codecs.md.
 */
public final class FrameDecoders {

    private static final Map<String, FrameDecoder> BY_TRANSFER_SYNTAX = index(List.of(
            new RleDecoder(), new JpegDecoder(), new JpegLsDecoder(), new Jpeg2000Decoder(), new DeflatedFrameDecoder()));

    private FrameDecoders() {
    }

    /** The decoder for {@code transferSyntaxUid}, or empty when the syntax is not encapsulated or not supported. */
    public static Optional<FrameDecoder> forTransferSyntax(String transferSyntaxUid) {
        return transferSyntaxUid == null ? Optional.empty()
                : Optional.ofNullable(BY_TRANSFER_SYNTAX.get(transferSyntaxUid.trim()));
    }

    /** Every transfer syntax UID some registered decoder handles. */
    public static Set<String> supportedTransferSyntaxes() {
        return BY_TRANSFER_SYNTAX.keySet();
    }

    private static Map<String, FrameDecoder> index(List<FrameDecoder> decoders) {
        Map<String, FrameDecoder> byUid = new LinkedHashMap<>();
        for (FrameDecoder decoder : decoders) {
            for (String uid : decoder.transferSyntaxes()) {
                FrameDecoder previous = byUid.putIfAbsent(uid, decoder);
                if (previous != null) {
                    throw new IllegalStateException("two decoders claim transfer syntax " + uid + ": "
                            + previous.getClass().getSimpleName() + " and " + decoder.getClass().getSimpleName());
                }
            }
        }
        return Collections.unmodifiableMap(byUid);
    }
}
