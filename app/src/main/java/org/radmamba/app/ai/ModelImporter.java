package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Imports a checkpoint written by the official MedMamba or VM-UNet training into the user's model folder: the
 * architecture comes from the keys ({@code vmunet.} prefix: VM-UNet, else MedMamba), the network must load with
 * every key fitting and run a test forward pass on a zero image of the official input size with finite outputs,
 * the labels must match its classes. Then the weights and a card with their SHA-256 are written into a hidden
 * temporary folder beside the library and moved into place in one step, so a refused or failed import leaves
 * nothing behind.
 */
public final class ModelImporter {

    private static final Logger LOG = LoggerFactory.getLogger(ModelImporter.class);

    private final Path userFolder;

    /**
     * @param name   shown in the UI; the id is made from it
     * @param labels class names, one per network output (VM-UNet with one class: the foreground's name)
     * @param source where the weights come from (provenance shown in the model panel), may be null
     */
    public record Request(Path checkpoint, String name, List<String> labels, String source) {
        public Request {
            labels = List.copyOf(labels);
        }
    }

    public ModelImporter(Path userFolder) {
        this.userFolder = userFolder;
    }

    public ModelEntry importCheckpoint(Request request) throws ModelException {
        Path file = request.checkpoint();
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": no such checkpoint file");
        }
        if (request.name() == null || request.name().isBlank()) {
            throw new ModelException(file + ": the imported model needs a name");
        }
        String sha256;
        StateDict stateDict;
        try {
            sha256 = Sha256.of(file);
            stateDict = PthReader.read(file);
        } catch (IOException e) {
            throw new ModelException(file + ": not readable (" + e.getMessage() + ")", e);
        } catch (CheckpointException e) {
            throw new ModelException(refusal(file, e.getMessage()), e);
        }
        ModelFamily architecture = ModelFamily.of(stateDict);
        int inputSide = ModelCard.officialInputSide(architecture);
        String description;
        int classes;
        try (InferenceNetwork network = architecture.load(stateDict)) {
            classes = network.classes();
            description = network.describe();
            testForwardPass(file, network, inputSide);
        } catch (CheckpointException e) {
            throw new ModelException(refusal(file, "not a fitting " + architecture.cardName() + " checkpoint: " + e.getMessage()), e);
        }
        if (request.labels().size() != classes) {
            throw new ModelException(file + ": the network has " + classes + " classes but " + request.labels().size()
                    + " labels were given");
        }
        ModelCard card = card(request, architecture, sha256, file, inputSide, description);
        return install(file, card);
    }

    private static String refusal(Path file, String reason) {
        String prefix = file.toString();
        return reason.startsWith(prefix) ? reason : prefix + ": " + reason;
    }

    /** A zero image through the whole network: every output must be a finite number. */
    private static void testForwardPass(Path file, InferenceNetwork network, int side) throws ModelException {
        float[] out;
        try (Parallel parallel = new Parallel(Math.max(1, Runtime.getRuntime().availableProcessors()));
             CpuSimdScan scan = new CpuSimdScan()) {
            out = network.run(new float[3 * side * side], 1, side, side, new ComputeContext(parallel, scan));
        }
        for (float v : out) {
            if (!Float.isFinite(v)) {
                throw new ModelException(file + ": the test forward pass gave a non-finite output (" + v + "); the weights are broken");
            }
        }
    }

    private ModelCard card(Request request, ModelFamily architecture, String sha256, Path file, int side,
                           String description) throws ModelException {
        ObjectNode pre = ModelCard.officialPreprocessing(architecture);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ModelException(file + ": not readable (" + e.getMessage() + ")", e);
        }
        String source = request.source() == null || request.source().isBlank()
                ? "imported from " + file.getFileName() + " (" + description + ")"
                : request.source() + " (" + description + ")";
        String citation = architecture == ModelFamily.MEDMAMBA
                ? "Yue & Li, MedMamba: Vision Mamba for Medical Image Classification, arXiv:2403.03849"
                : "Ruan & Xiang, VM-UNet: Vision Mamba UNet for Medical Image Segmentation, arXiv:2402.02491";
        return new ModelCard(uniqueId(request.name()), request.name(), architecture.task(), ArchitectureId.of(architecture),
                "model.pth", sha256, size, null, List.of(side, side), pre, request.labels(),
                architecture == ModelFamily.VMUNET ? 0.5 : null, false,
                "Imported by the user; research use, not for diagnosis.", source, citation, null);
    }

    /** A folder name from the model's name, unused in the library. */
    private String uniqueId(String name) {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "model";
        }
        base = base.length() > 48 ? base.substring(0, 48) : base;
        String id = base;
        for (int n = 2; Files.exists(userFolder.resolve(id)); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** Copies the weights and writes the card in a temporary folder, checks the copy's hash, then moves it into place. */
    private ModelEntry install(Path file, ModelCard card) throws ModelException {
        Path temp = null;
        try {
            Files.createDirectories(userFolder);
            temp = Files.createTempDirectory(userFolder, ".import-");
            Path weights = temp.resolve(card.checkpoint());
            Files.copy(file, weights, StandardCopyOption.REPLACE_EXISTING);
            String copied = Sha256.of(weights);
            if (!copied.equals(card.sha256())) {
                throw new ModelException(file + ": the file changed while it was imported (SHA-256 " + copied
                        + " instead of " + card.sha256() + ")");
            }
            Files.writeString(temp.resolve(ModelCard.FILE_NAME), card.toJson(), StandardCharsets.UTF_8);
            Path target = userFolder.resolve(card.id());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            temp = null;
            LOG.info("imported {} as {} ({})", file, card.id(), card.architecture().cardName());
            return ModelLibrary.entry(target, ModelEntry.Origin.USER);
        } catch (FileAlreadyExistsException e) {
            throw new ModelException(userFolder.resolve(card.id()) + ": a model with this id appeared during the import", e);
        } catch (IOException e) {
            throw new ModelException(file + ": could not be imported into " + userFolder + " (" + e.getMessage() + ")", e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished import {}: {}", folder, e.getMessage());
        }
    }
}
