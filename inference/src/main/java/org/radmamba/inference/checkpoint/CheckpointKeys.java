package org.radmamba.inference.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key rename and prefix strip of a checkpoint, as pure functions: what the training script saved goes in,
 * the official module keys come out.
 *
 * <ul>
 *   <li>Wrappers: {@code torch.save({'state_dict': sd, 'epoch': ...})} and the like; the first of
 *       {@link #WRAPPER_KEYS} whose value is a dict is followed, up to {@value #MAX_WRAPPER_DEPTH} levels deep.</li>
 *   <li>DataParallel: when every key starts with {@value #DATA_PARALLEL_PREFIX} the prefix is removed. A partial
 *       {@code module.} is a real submodule name and stays.</li>
 * </ul>
 */
public final class CheckpointKeys {

    /** Keys under which training scripts nest the state dict, in the order they are tried. */
    public static final List<String> WRAPPER_KEYS = List.of("state_dict", "model_state_dict", "model");

    /** The prefix {@code nn.DataParallel} and {@code DistributedDataParallel} put before every key. */
    public static final String DATA_PARALLEL_PREFIX = "module.";

    static final int MAX_WRAPPER_DEPTH = 4;

    private CheckpointKeys() {
    }

    /**
     * The state dict inside an unpickled checkpoint: the dict whose values are all tensors (of {@code tensorType}),
     * with string keys, DataParallel's prefix removed, in the original order.
     *
     * @param root       the unpickled object (maps for dicts)
     * @param tensorType the class of the tensor leaves
     * @param source     the file name, for error messages
     */
    public static <T> LinkedHashMap<String, T> normalise(Object root, Class<T> tensorType, String source) {
        Object current = root;
        String path = "the checkpoint";
        for (int depth = 0; depth <= MAX_WRAPPER_DEPTH; depth++) {
            if (!(current instanceof Map<?, ?> map)) {
                throw new CheckpointException(source + ": " + path + " holds " + describe(current)
                        + ", not a dict of tensors (a state dict)");
            }
            if (!map.isEmpty() && map.values().stream().allMatch(tensorType::isInstance)) {
                return stripDataParallel(stringKeys(map, tensorType, source), source);
            }
            String wrapper = WRAPPER_KEYS.stream().filter(k -> map.get(k) instanceof Map).findFirst().orElse(null);
            if (wrapper == null) {
                throw new CheckpointException(source + ": " + path + " is not a state dict: " + explainNotStateDict(map, tensorType));
            }
            current = map.get(wrapper);
            path = "'" + wrapper + "'";
        }
        throw new CheckpointException(source + ": the state dict is nested more than " + MAX_WRAPPER_DEPTH + " dicts deep");
    }

    /**
     * {@code tensors} with {@code prefix} removed from the keys that start with it; other keys stay.
     *
     * @throws CheckpointException if no key starts with the prefix or two keys become equal
     */
    public static <T> LinkedHashMap<String, T> stripPrefix(Map<String, T> tensors, String prefix, String source) {
        LinkedHashMap<String, T> stripped = new LinkedHashMap<>();
        boolean any = false;
        for (Map.Entry<String, T> entry : tensors.entrySet()) {
            String key = entry.getKey();
            boolean hasPrefix = key.startsWith(prefix);
            any |= hasPrefix;
            String newKey = hasPrefix ? key.substring(prefix.length()) : key;
            if (stripped.put(newKey, entry.getValue()) != null) {
                throw new CheckpointException(source + ": removing the prefix '" + prefix + "' makes two keys '" + newKey + "'");
            }
        }
        if (!any && !tensors.isEmpty()) {
            throw new CheckpointException(source + ": no key starts with '" + prefix + "' (first key: '"
                    + tensors.keySet().iterator().next() + "')");
        }
        return stripped;
    }

    private static <T> LinkedHashMap<String, T> stringKeys(Map<?, ?> map, Class<T> tensorType, String source) {
        LinkedHashMap<String, T> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new CheckpointException(source + ": the state dict has a key that is not a string: " + describe(entry.getKey()));
            }
            tensors.put(key, tensorType.cast(entry.getValue()));
        }
        return tensors;
    }

    private static <T> LinkedHashMap<String, T> stripDataParallel(LinkedHashMap<String, T> tensors, String source) {
        boolean allPrefixed = tensors.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX));
        return allPrefixed ? stripPrefix(tensors, DATA_PARALLEL_PREFIX, source) : tensors;
    }

    private static String explainNotStateDict(Map<?, ?> map, Class<?> tensorType) {
        if (map.isEmpty()) {
            return "it is an empty dict";
        }
        List<String> nonTensors = new ArrayList<>();
        boolean anyTensor = false;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (tensorType.isInstance(entry.getValue())) {
                anyTensor = true;
            } else if (nonTensors.size() < 5) {
                nonTensors.add("'" + entry.getKey() + "' holds " + describe(entry.getValue()));
            }
        }
        if (anyTensor) {
            return "besides tensors, " + String.join(", ", nonTensors);
        }
        List<String> keys = map.keySet().stream().limit(10).map(k -> "'" + k + "'").toList();
        return "its keys " + String.join(", ", keys) + (map.size() > 10 ? ", ..." : "")
                + " hold no tensors, and none of " + WRAPPER_KEYS + " holds a dict";
    }

    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Map<?, ?>) {
            return "a dict";
        }
        if (value instanceof List<?> || value instanceof Object[]) {
            return "a list or tuple";
        }
        if (value instanceof java.util.Set<?>) {
            return "a set";
        }
        if (value instanceof String s) {
            return "the string '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (value instanceof Number n) {
            return "the number " + n;
        }
        return "a " + value.getClass().getSimpleName();
    }
}
