package org.radmamba.viewer.sr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Structured Report as RadMamba reads it, whoever wrote it: the document title, the device or person that
 * observed, the comments, and the measurement groups with their findings, measurements and the images they
 * reference.
 *
 * @param observer the Device Observer Name, or the Person Observer Name, or "" when the report names neither
 * @param comments texts outside the measurement groups (e.g. the "not for diagnosis" note)
 */
public record MeasurementReport(Path file, String sopInstanceUid, String seriesInstanceUid, Code title,
                                String observer, List<String> comments, List<Group> groups) {

    public MeasurementReport {
        comments = List.copyOf(comments);
        groups = List.copyOf(groups);
    }

    /** A reference to an instance (an image, a Segmentation's segment), as an IMAGE content item holds it. */
    public record Reference(Code concept, String sopClassUid, String sopInstanceUid, List<Integer> frameNumbers,
                            OptionalInt segmentNumber) {
        public Reference {
            frameNumbers = List.copyOf(frameNumbers);
        }
    }

    /** A NUM content item: its concept, value and unit. */
    public record Measurement(Code concept, double value, Code unit) {
    }

    /** A CODE or TEXT content item of a group other than those it is known by (a qualitative evaluation). */
    public record Evaluation(Code concept, String value) {
    }

    /**
     * A Measurement Group (125007, DCM).
     *
     * @param trackingIdentifier its Tracking Identifier, "" when absent
     * @param finding            its Finding (121071, DCM), when it has one
     * @param algorithm          Algorithm Name and Version, joined by a space; "" when absent
     * @param sourceSeries       the Source series for segmentation UIDs
     */
    public record Group(String trackingIdentifier, Optional<Code> finding, String algorithm,
                        List<Measurement> measurements, List<Evaluation> evaluations, List<Reference> references,
                        List<String> sourceSeries) {
        public Group {
            measurements = List.copyOf(measurements);
            evaluations = List.copyOf(evaluations);
            references = List.copyOf(references);
            sourceSeries = List.copyOf(sourceSeries);
        }

        /** The references whose concept is {@code concept}. */
        public List<Reference> references(Code concept) {
            return references.stream().filter(r -> r.concept().means(concept)).toList();
        }

        /** The value of the TEXT or CODE item of this concept. */
        public Optional<String> evaluation(Code concept) {
            return evaluations.stream().filter(e -> e.concept().means(concept)).map(Evaluation::value).findFirst();
        }

        /** The SHA-256 of the model's checkpoint, as RadMamba writes it among the Algorithm Parameters. */
        public Optional<String> checkpointSha256() {
            return evaluations.stream().filter(e -> e.concept().means(SrCodes.ALGORITHM_PARAMETERS))
                    .map(Evaluation::value).filter(v -> v.startsWith(SrCodes.CHECKPOINT_SHA256_PREFIX))
                    .map(v -> v.substring(SrCodes.CHECKPOINT_SHA256_PREFIX.length())).findFirst();
        }
    }

    /** The SOP Instance UIDs of every instance any group references (images, Segmentations), in order, once each. */
    public List<String> referencedInstances() {
        List<String> out = new ArrayList<>();
        for (Group g : groups) {
            for (Reference r : g.references()) {
                if (!out.contains(r.sopInstanceUid())) {
                    out.add(r.sopInstanceUid());
                }
            }
        }
        return out;
    }
}
