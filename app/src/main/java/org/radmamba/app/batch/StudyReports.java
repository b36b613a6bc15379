package org.radmamba.app.batch;

import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.sr.MeasurementReportWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code radmamba batch --sr}: one DICOM Structured Report (TID 1500) per study of a classifier's results, made from
 * every ok row of the results folder's parts — earlier runs' too, so that a resumed run's report covers the whole
 * study — through the app's one report path ({@link AiDicomExport#classifications}). Written to
 * {@code DIR/sr/<Study Instance UID>.dcm} under a temporary name and renamed, replacing the report of a previous run.
 */
final class StudyReports {

    static final String FOLDER = "sr";

    private StudyReports() {
    }

    /** Writes the reports; one line per report written or per study that could not be reported (and why). */
    static List<String> write(ModelCard card, ResultsFolder folder) throws IOException {
        Map<String, List<BatchRecord>> byStudy = new TreeMap<>();
        for (BatchRecord r : folder.records()) {
            if (r.status() == BatchRecord.Status.OK && r.classification() != null && r.key().sopInstanceUid() != null
                    && r.key().studyInstanceUid() != null) {
                byStudy.computeIfAbsent(r.key().studyInstanceUid(), k -> new ArrayList<>()).add(r);
            }
        }
        List<String> lines = new ArrayList<>();
        if (byStudy.isEmpty()) {
            return lines;
        }
        Path reports = Files.createDirectories(folder.folder().resolve(FOLDER));
        for (Map.Entry<String, List<BatchRecord>> study : byStudy.entrySet()) {
            List<MeasurementReportWriter.ImageClassification> images = new ArrayList<>();
            study.getValue().stream()
                    .sorted(Comparator.comparing(BatchRecord::path).thenComparingInt(r -> r.key().frame()))
                    .forEach(r -> {
                        List<MeasurementReportWriter.ClassProbability> classes = new ArrayList<>();
                        r.classification().probabilities().forEach((label, p) ->
                                classes.add(new MeasurementReportWriter.ClassProbability(label, p)));
                        images.add(new MeasurementReportWriter.ImageClassification(
                                new MeasurementReportWriter.SourceImage(Path.of(r.path()), r.key().frame()), classes));
                    });
            String name = study.getKey().replaceAll("[^0-9A-Za-z.]", "_") + ".dcm";
            Path target = reports.resolve(name);
            Path temporary = reports.resolve("." + name + ".tmp");
            try {
                AiDicomExport.Written written = AiDicomExport.classifications(DicomReaders.standard(), card, images,
                        temporary);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lines.add(written.summary().replace(temporary.toString(), target.toString()));
            } catch (IOException | IllegalArgumentException e) {
                Files.deleteIfExists(temporary);
                lines.add(AiDicomExport.problem("batch --sr", target, e));
            }
        }
        return lines;
    }
}
