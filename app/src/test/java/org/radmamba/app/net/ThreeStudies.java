package org.radmamba.app.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Orthanc holding the three fixture studies the network adapter tests search and retrieve (Doe's chest CT
 * with two series, Doe's later knee MR, Smith's CT), each written under {@code dir} and uploaded. Shared so the
 * DIMSE and DICOMweb tests answer the same archive.
 */
record ThreeStudies(Orthanc orthanc, List<Path> doe, List<Path> doeLater, List<Path> smith) {

    /** Starts Orthanc in {@code dir}/orthanc (C-MOVE destination at {@code moveDestinationPort}) and uploads. */
    static ThreeStudies start(Path dir, int moveDestinationPort) throws IOException, InterruptedException {
        Orthanc orthanc = Orthanc.start(dir.resolve("orthanc"), moveDestinationPort);
        try {
            List<Path> doe = Fixtures.study(dir.resolve("doe"), Fixtures.DOE, 2, 3, 64);
            List<Path> doeLater = Fixtures.study(dir.resolve("doe-later"), Fixtures.DOE_LATER, 1, 2, 64);
            List<Path> smith = Fixtures.study(dir.resolve("smith"), Fixtures.SMITH, 1, 4, 64);
            orthanc.upload(doe);
            orthanc.upload(doeLater);
            orthanc.upload(smith);
            return new ThreeStudies(orthanc, doe, doeLater, smith);
        } catch (IOException | InterruptedException | RuntimeException e) {
            orthanc.close();
            throw e;
        }
    }
}
