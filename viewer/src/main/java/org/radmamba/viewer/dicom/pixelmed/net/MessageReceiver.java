package org.radmamba.viewer.dicom.pixelmed.net;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CStoreResponseCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import org.radmamba.viewer.dicom.net.NetworkException.Failure;
import org.radmamba.viewer.dicom.net.ReceivedInstances;
import org.radmamba.viewer.dicom.net.Watchdog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Assembles the DIMSE messages arriving on an association from their P-DATA fragments and hands each complete one to
 * {@link #message}; a C-STORE request's data set is not assembled in memory but streamed into
 * {@link ReceivedInstances} as it arrives, filed when complete, and answered with a C-STORE response whose status says
 * whether it was kept (0000), not understood (C000: not DICOM, not the announced instance) or could not be written
 * (A700: out of resources, e.g. a full disk). Used by the C-GET SCU, the C-MOVE destination and the storage SCP.
 */
abstract class MessageReceiver extends CompositeResponseHandler {

    static final int STATUS_SUCCESS = 0x0000;
    static final int STATUS_OUT_OF_RESOURCES = 0xA700;
    static final int STATUS_CANNOT_UNDERSTAND = 0xC000;
    private static final int NO_DATA_SET = 0x0101;

    private final ReceivedInstances store;
    private final Watchdog.Activity activity;
    private final String peerAet;
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream dataBytes = new ByteArrayOutputStream();
    private AttributeList command;
    private int commandField = -1;
    private ReceivedInstances.Incoming incoming;
    private IOException storeFailure;

    /**
     * @param store    where C-STORE data sets go; null where none may arrive
     * @param activity touched for every P-DATA PDU
     * @param peerAet  the other end's AE title, written as Source AE Title into the files' meta information
     */
    MessageReceiver(ReceivedInstances store, Watchdog.Activity activity, String peerAet) {
        this.store = store;
        this.activity = activity;
        this.peerAet = peerAet;
    }

    /** A complete message other than C-STORE-RQ; {@code data} is null when it had no data set. */
    abstract void message(Association association, byte contextId, AttributeList command, AttributeList data)
            throws DicomNetworkException, DicomException, IOException;

    /** An instance was received and filed. */
    void stored(Path file) {
    }

    /** An instance arrived but was not kept. */
    void storeFailed(String sopInstanceUid, Failure failure, String reason) {
    }

    /** Not used: {@link #sendPDataIndication} replaces the parent's assembly; the parent's constructor is the
     * only public way to a {@code ReceivedDataHandler}. */
    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
    }

    /** A data set (identifier) in the transfer syntax of its presentation context, without meta information. */
    static byte[] dataSet(AttributeList list, String transferSyntax) throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, transferSyntax);
        list.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    static int status(AttributeList command) {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, -1);
    }

    static int commandField(AttributeList command) {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandField, -1);
    }

    static String string(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    @Override
    public void sendPDataIndication(PDataPDU pdata, Association association)
            throws DicomNetworkException, DicomException, IOException {
        activity.touch();
        for (Object item : pdata.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) item;
            byte contextId = pdv.getPresentationContextID();
            byte[] value = pdv.getValue();
            if (pdv.isCommand()) {
                if (value != null) {
                    commandBytes.write(value);
                }
                if (pdv.isLastFragment()) {
                    commandComplete(association, contextId);
                }
            } else if (command == null) {
                throw new DicomNetworkException("a data set arrived without a command");
            } else if (commandField == MessageServiceElementCommand.C_STORE_RQ) {
                storeFragment(association, contextId, value, pdv.isLastFragment());
            } else {
                if (value != null) {
                    dataBytes.write(value);
                }
                if (pdv.isLastFragment()) {
                    AttributeList data = CompositeResponseHandler.getAttributeListFromCommandOrData(
                            dataBytes.toByteArray(), association.getTransferSyntaxForPresentationContextID(contextId));
                    dataBytes.reset();
                    AttributeList complete = command;
                    command = null;
                    message(association, contextId, complete, data);
                }
            }
        }
    }

    private void commandComplete(Association association, byte contextId)
            throws DicomNetworkException, DicomException, IOException {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(commandBytes.toByteArray()),
                TransferSyntax.ImplicitVRLittleEndian, false));
        commandBytes.reset();
        int field = commandField(list);
        boolean hasData = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandDataSetType, NO_DATA_SET)
                != NO_DATA_SET;
        if (!hasData) {
            command = null;
            commandField = -1;
            message(association, contextId, list, null);
            return;
        }
        command = list;
        commandField = field;
        if (field == MessageServiceElementCommand.C_STORE_RQ) {
            startStore(association, contextId);
        }
    }

    private void startStore(Association association, byte contextId) throws DicomNetworkException {
        storeFailure = null;
        incoming = null;
        if (store == null) {
            storeFailure = new IOException("no instance was expected here");
            return;
        }
        String sopClass = string(command, TagFromName.AffectedSOPClassUID);
        String sopInstance = string(command, TagFromName.AffectedSOPInstanceUID);
        try {
            incoming = store.begin(sopInstance);
            DicomOutputStream meta = new DicomOutputStream(incoming.out(), TransferSyntax.ExplicitVRLittleEndian,
                    null);
            new FileMetaInformation(sopClass, sopInstance,
                    association.getTransferSyntaxForPresentationContextID(contextId), peerAet)
                    .getAttributeList().write(meta);
            meta.flush();
        } catch (IOException e) {
            fail(e);
        } catch (DicomException e) {
            fail(new ReceivedInstances.InvalidInstanceException("its meta information cannot be written: "
                    + e.getMessage()));
        }
    }

    private void fail(IOException e) {
        storeFailure = e;
        if (incoming != null) {
            incoming.close();
            incoming = null;
        }
    }

    private void storeFragment(Association association, byte contextId, byte[] value, boolean last)
            throws DicomNetworkException, DicomException, IOException {
        if (storeFailure == null && value != null) {
            try {
                incoming.out().write(value);
            } catch (IOException e) {
                fail(e);
            }
        }
        if (!last) {
            return;
        }
        Path file = null;
        if (storeFailure == null) {
            try {
                file = incoming.commit();
            } catch (IOException e) {
                storeFailure = e;
            }
        }
        incoming = null;
        AttributeList request = command;
        command = null;
        commandField = -1;
        String sopInstance = string(request, TagFromName.AffectedSOPInstanceUID);
        int status;
        if (storeFailure == null) {
            status = STATUS_SUCCESS;
        } else if (storeFailure instanceof ReceivedInstances.InvalidInstanceException) {
            status = STATUS_CANNOT_UNDERSTAND;
        } else {
            status = STATUS_OUT_OF_RESOURCES;
        }
        byte[] response = new CStoreResponseCommandMessage(string(request, TagFromName.AffectedSOPClassUID),
                sopInstance, Attribute.getSingleIntegerValueOrDefault(request, TagFromName.MessageID, 0), status)
                .getBytes();
        association.send(contextId, response, null);
        if (file != null) {
            stored(file);
        } else if (storeFailure instanceof ReceivedInstances.InvalidInstanceException) {
            storeFailed(sopInstance, Failure.NOT_DICOM, storeFailure.getMessage());
        } else {
            storeFailed(sopInstance, ReceivedInstances.isDiskFull(storeFailure) ? Failure.DISK_FULL : Failure.CUT_OFF,
                    "cannot write " + store.dir() + ": " + storeFailure.getMessage());
        }
    }
}
