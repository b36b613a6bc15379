package org.radmamba.inference.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's tensors by their official PyTorch key, in the order of the file, after {@link CheckpointKeys}
 * unwrapped the dict wrappers and stripped DataParallel's {@code module.} prefix. Immutable.
 *
 * <p>Models read it through a {@link Reader}, which records the keys they consumed so that a checkpoint with keys
 * the model does not know fails loudly instead of being half used.
 */
public final class StateDict {

    /** BatchNorm's step counter: a training-only buffer that no inference code reads. */
    public static final String BATCHES_TRACKED_SUFFIX = "num_batches_tracked";

    private final String source;
    private final Map<String, CheckpointTensor> tensors;

    /**
     * @param source  what the tensors came from (usually the file name), used in error messages
     * @param tensors tensors by key, in order; each tensor's {@link CheckpointTensor#key()} is replaced by its map key
     */
    public StateDict(String source, Map<String, CheckpointTensor> tensors) {
        this.source = source;
        LinkedHashMap<String, CheckpointTensor> copy = new LinkedHashMap<>();
        tensors.forEach((key, tensor) -> copy.put(key, tensor.key().equals(key) ? tensor
                : new CheckpointTensor(key, tensor.shape(), tensor.values(), tensor.sourceDtype())));
        this.tensors = Collections.unmodifiableMap(copy);
    }

    /** What the tensors came from, e.g. the file name. */
    public String source() {
        return source;
    }

    /** The keys, in the order of the checkpoint. */
    public Set<String> keys() {
        return tensors.keySet();
    }

    /** The number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** Whether {@code key} is present. */
    public boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** The tensor under {@code key}; throws naming the key when it is missing. */
    public CheckpointTensor get(String key) {
        CheckpointTensor tensor = tensors.get(key);
        if (tensor == null) {
            throw new CheckpointException(source + ": the checkpoint has no tensor '" + key + "'");
        }
        return tensor;
    }

    /** The tensor under {@code key}, which must have exactly {@code expectedShape}; throws naming key and both shapes. */
    public CheckpointTensor require(String key, long... expectedShape) {
        CheckpointTensor tensor = get(key);
        if (!tensor.hasShape(expectedShape)) {
            throw new CheckpointException(source + ": tensor '" + key + "' has shape " + tensor.shapeText()
                    + " but the model expects " + CheckpointTensor.shapeText(expectedShape));
        }
        return tensor;
    }

    /** The tensors, in order (unmodifiable). */
    public Map<String, CheckpointTensor> asMap() {
        return tensors;
    }

    /** The sum of all tensors' element counts (parameters and buffers). */
    public long totalElements() {
        long total = 0;
        for (CheckpointTensor tensor : tensors.values()) {
            total += tensor.numel();
        }
        return total;
    }

    /**
     * This state dict with {@code prefix} removed from the keys that start with it (e.g. VM-UNet's {@code vmunet.});
     * keys without it stay as they are, so that a {@link Reader} still reports them as unexpected.
     *
     * @throws CheckpointException if no key starts with {@code prefix}, or stripping makes two keys equal
     */
    public StateDict withoutPrefix(String prefix) {
        Map<String, CheckpointTensor> stripped = CheckpointKeys.stripPrefix(tensors, prefix, source);
        return new StateDict(source, stripped);
    }

    /** A new reader that tracks which keys a model consumes. */
    public Reader reader() {
        return new Reader(this, "", new LinkedHashSet<>());
    }

    @Override
    public String toString() {
        return "StateDict[" + source + ", " + tensors.size() + " tensors]";
    }

    /**
     * Reads tensors for a model and remembers every key it handed out; {@link #assertAllConsumed()} then fails with
     * the keys the model never asked for. Keys ending in {@value #BATCHES_TRACKED_SUFFIX} are never reported: they
     * are a training counter that inference has no use for. Readers made with {@link #at(String)} share the record.
     */
    public static final class Reader {
        private final StateDict stateDict;
        private final String prefix;
        private final Set<String> consumed;

        private Reader(StateDict stateDict, String prefix, Set<String> consumed) {
            this.stateDict = stateDict;
            this.prefix = prefix;
            this.consumed = consumed;
        }

        /** A reader whose keys are relative to {@code subPrefix} (e.g. {@code "layers.0.blocks.1."}), sharing this reader's record. */
        public Reader at(String subPrefix) {
            return new Reader(stateDict, prefix + subPrefix, consumed);
        }

        /** The prefix this reader prepends to every key. */
        public String prefix() {
            return prefix;
        }

        /** Whether {@code key} (relative to this reader's prefix) is present; does not consume it. */
        public boolean has(String key) {
            return stateDict.has(prefix + key);
        }

        /** The tensor under {@code key}, consuming it. */
        public CheckpointTensor get(String key) {
            CheckpointTensor tensor = stateDict.get(prefix + key);
            consumed.add(prefix + key);
            return tensor;
        }

        /** The tensor under {@code key} with exactly {@code expectedShape}, consuming it. */
        public CheckpointTensor require(String key, long... expectedShape) {
            CheckpointTensor tensor = stateDict.require(prefix + key, expectedShape);
            consumed.add(prefix + key);
            return tensor;
        }

        /** Marks {@code key} as deliberately not used (e.g. a buffer the Java model recomputes). */
        public void skip(String key) {
            stateDict.get(prefix + key);
            consumed.add(prefix + key);
        }

        /** The keys of the whole state dict nobody consumed, {@code num_batches_tracked} excluded, in order. */
        public List<String> unconsumedKeys() {
            List<String> left = new ArrayList<>();
            for (String key : stateDict.keys()) {
                if (!consumed.contains(key) && !key.endsWith(BATCHES_TRACKED_SUFFIX)) {
                    left.add(key);
                }
            }
            return left;
        }

        /** Throws, listing them, when keys of the state dict were never consumed. */
        public void assertAllConsumed() {
            List<String> left = unconsumedKeys();
            if (!left.isEmpty()) {
                int shown = Math.min(left.size(), 20);
                throw new CheckpointException(stateDict.source() + ": " + left.size()
                        + " unexpected key(s) that the model does not use: " + String.join(", ", left.subList(0, shown))
                        + (shown < left.size() ? ", ..." : ""));
            }
        }
    }
}
