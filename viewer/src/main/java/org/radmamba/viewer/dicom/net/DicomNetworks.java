package org.radmamba.viewer.dicom.net;

import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.net.web.DicomWebNode;
import org.radmamba.viewer.dicom.pixelmed.net.PixelMedDimseNode;
import org.radmamba.viewer.dicom.pixelmed.net.PixelMedStorageScp;

import java.io.IOException;

/**
 * The one place that chooses the adapters of the network port, as {@code DicomReaders} does for the file port: DIMSE
 * on PixelMed ({@code org.radmamba.viewer.dicom.pixelmed.net}), DICOMweb on java.net.http
 * ({@link org.radmamba.viewer.dicom.net.web}). No other class outside the adapter packages names them
 * (ArchitectureTest).
 */
public final class DicomNetworks {

    private DicomNetworks() {
    }

    /** The port for a node; nothing is opened until an operation is called. */
    public static RemoteNode connect(DicomNode node, NetworkTimeouts timeouts) {
        return switch (node) {
            case DicomNode.Dimse dimse -> new PixelMedDimseNode(dimse, timeouts, DicomReaders.standard());
            case DicomNode.Web web -> new DicomWebNode(web, timeouts, DicomReaders.standard());
        };
    }

    /** Starts a storage SCP; it runs until closed. */
    public static StorageScp listen(StorageScp.Config config, StorageScp.Listener listener) throws IOException {
        return PixelMedStorageScp.start(config, listener, DicomReaders.standard());
    }
}
