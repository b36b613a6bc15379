package org.radmamba.inference.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles a checkpoint's {@code data.pkl} under an allow-list. A pickle is a program; this one may only build
 * dicts, lists, tuples, numbers and strings, and call the few functions {@code torch.save} of a state dict uses:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter}
 * ({@code _with_state}) and name the {@code torch.*Storage} types. Everything else is refused before it runs.
 *
 * <p>Razorvine's {@link Unpickler} resolves globals through a static registry (shared by the whole JVM, with
 * default entries such as {@code copy_reg._reconstructor}, {@code datetime.*}, {@code builtins.set},
 * {@code _codecs.encode}) and falls back to a {@code ClassDict} for any other name; its BUILD calls
 * {@code __setstate__} by reflection. None of that is reachable here: every opcode that names, calls or builds
 * an object (GLOBAL, STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ, NEWOBJ_EX, BUILD, EXT1/2/4) is handled by this
 * class, and only the data opcodes on {@link #DATA_OPCODES} reach razorvine. Tensors come out as unread
 * {@link TensorRef}s, dicts as insertion-ordered maps.
 */
final class TorchUnpickler extends Unpickler {

    /** The callables a state dict pickle may use. */
    enum AllowedCall {
        ORDERED_DICT("collections", "OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state");

        final String module;
        final String name;

        AllowedCall(String module, String name) {
            this.module = module;
            this.name = name;
        }

        String qualifiedName() {
            return module + "." + name;
        }
    }

    /** {@code torch.FloatStorage} and friends: only ever an argument of a storage's persistent id, never called. */
    record StorageType(TorchDtype dtype) {
    }

    /** Opcodes that only push or rearrange data; razorvine runs them. */
    private static final Set<Short> DATA_OPCODES = Set.of(
            Opcodes.MARK, Opcodes.STOP, Opcodes.POP, Opcodes.POP_MARK, Opcodes.DUP, Opcodes.FLOAT, Opcodes.INT,
            Opcodes.BININT, Opcodes.BININT1, Opcodes.BININT2, Opcodes.NONE, Opcodes.PERSID,
            Opcodes.BINPERSID, Opcodes.STRING, Opcodes.BINSTRING, Opcodes.SHORT_BINSTRING, Opcodes.UNICODE,
            Opcodes.BINUNICODE, Opcodes.APPEND, Opcodes.APPENDS, Opcodes.GET, Opcodes.BINGET, Opcodes.LONG_BINGET,
            Opcodes.LIST, Opcodes.EMPTY_LIST, Opcodes.PUT, Opcodes.BINPUT, Opcodes.LONG_BINPUT,
            Opcodes.TUPLE, Opcodes.EMPTY_TUPLE, Opcodes.BINFLOAT, Opcodes.PROTO, Opcodes.TUPLE1, Opcodes.TUPLE2,
            Opcodes.TUPLE3, Opcodes.NEWTRUE, Opcodes.NEWFALSE, Opcodes.LONG1, Opcodes.LONG4, Opcodes.BINBYTES,
            Opcodes.SHORT_BINBYTES, Opcodes.BINUNICODE8, Opcodes.SHORT_BINUNICODE, Opcodes.BINBYTES8,
            Opcodes.EMPTY_SET, Opcodes.MEMOIZE, Opcodes.FRAME,
            Opcodes.BYTEARRAY8, Opcodes.READONLY_BUFFER);

    /** Data opcodes whose operand starts with a 4-byte length: razorvine would allocate it before reading. */
    private static final Set<Short> LENGTH4_OPCODES = Set.of(Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.LONG4);
    private static final Set<Short> LENGTH8_OPCODES = Set.of(Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8);

    private static final String ALLOWED_GLOBALS = Stream.concat(
                    Stream.of(AllowedCall.values()).map(AllowedCall::qualifiedName),
                    Stream.of(TorchDtype.values()).map(d -> "torch." + d.storageClass))
            .collect(Collectors.joining(", "));

    private static final int MAX_TEXT_LONG_DIGITS = 400;

    private final String source;
    private final String pickleName;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private ByteArrayInputStream pickle;

    /** An unpickled object and the offset just after its STOP opcode. */
    record Result(Object value, int end) {
    }

    /**
     * @param source     the file name, for error messages
     * @param pickleName what the pickle is called in error messages ({@code data.pkl})
     */
    TorchUnpickler(String source, String pickleName) {
        this.source = source;
        this.pickleName = pickleName;
    }

    /** The object {@code pickleBytes} describes; throws {@link CheckpointException} naming the file for anything refused or malformed. */
    Object unpickle(byte[] pickleBytes) {
        return unpickle(pickleBytes, 0).value();
    }

    /** The object the pickle starting at {@code offset} describes, and where it ends. */
    Result unpickle(byte[] bytes, int offset) {
        pickle = new ByteArrayInputStream(bytes, offset, bytes.length - offset);
        try {
            Object value = load(pickle);
            return new Result(value, bytes.length - pickle.available());
        } catch (IOException | PickleException | ClassCastException | IndexOutOfBoundsException
                 | NumberFormatException | ArithmeticException | NullPointerException e) {
            // razorvine signals malformed input with these; the file is broken, not our code
            throw new CheckpointException(source + ": " + pickleName + " is malformed (" + e.getMessage() + ")", e);
        } finally {
            close();
        }
    }

    /** The storages the pickles so far referred to, by key. */
    Map<String, StorageRef> storages() {
        return storages;
    }

    @Override
    protected Object dispatch(short opcode) throws IOException {
        switch (opcode) {
            case Opcodes.GLOBAL -> stack.add(resolveGlobal(PickleUtils.readline(input), PickleUtils.readline(input)));
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw malformed("STACK_GLOBAL needs two strings");
                }
                stack.add(resolveGlobal(m, n));
            }
            case Opcodes.INST -> throw refused("the INST opcode creates an instance of '"
                    + PickleUtils.readline(input) + "." + PickleUtils.readline(input) + "'");
            case Opcodes.OBJ -> throw refused("the OBJ opcode creates an object, which a state dict never does");
            case Opcodes.NEWOBJ_EX -> throw refused("the NEWOBJ_EX opcode creates an object, which a state dict never does");
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> throw refused("the pickle names a global through the copyreg extension registry");
            case Opcodes.NEXT_BUFFER -> throw refused("the pickle refers to out-of-band buffers");
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object arguments = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, arguments));
            }
            case Opcodes.BUILD -> build(stack.pop(), stack.peek());
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> stack.add(pairsToMap(stack.pop_all_since_marker(), new LinkedHashMap<>()));
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                pairsToMap(pairs, targetDict("SETITEMS"));
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                targetDict("SETITEM").put(hashable(key), value);
            }
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                if (!(stack.peek() instanceof Set<?> set)) {
                    throw malformed("ADDITEMS on something that is not a set");
                }
                items.forEach(this::hashable);
                castSet(set).addAll(items);
            }
            case Opcodes.FROZENSET -> {
                List<Object> items = stack.pop_all_since_marker();
                items.forEach(this::hashable);
                stack.add(new HashSet<>(items));
            }
            case Opcodes.LONG -> {
                // a decimal text integer: only protocol 0 writes it; a huge one would take quadratic time to parse
                checkLineLength(MAX_TEXT_LONG_DIGITS);
                return super.dispatch(opcode);
            }
            default -> {
                if (!DATA_OPCODES.contains(opcode)) {
                    throw malformed("unknown opcode 0x" + Integer.toHexString(opcode));
                }
                if (LENGTH4_OPCODES.contains(opcode)) {
                    checkLength(4);
                } else if (LENGTH8_OPCODES.contains(opcode)) {
                    checkLength(8);
                }
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** Storage persistent ids: {@code ('storage', torch.FloatStorage, '<key>', '<location>', <numel>)}. */
    @Override
    protected Object persistentLoad(Object pid) {
        // the legacy format adds a sixth element, view metadata, which is None unless storages were views
        boolean legacyId = pid instanceof Object[] legacy && legacy.length == 6 && legacy[5] == null;
        if (!(pid instanceof Object[] id) || (id.length != 5 && !legacyId) || !"storage".equals(id[0])) {
            throw malformed("a persistent id is not a ('storage', type, key, location, numel) tuple");
        }
        if (!(id[1] instanceof StorageType type)) {
            throw malformed("a storage's type is " + CheckpointKeys.describe(id[1]) + ", not a torch storage class");
        }
        if (!(id[2] instanceof String key) || key.isEmpty() || key.contains("/") || key.contains("\\")) {
            throw malformed("a storage key is " + CheckpointKeys.describe(id[2]));
        }
        long numel = toLong(id[4], "a storage's element count");
        if (numel < 0) {
            throw malformed("storage '" + key + "' claims a negative element count " + numel);
        }
        StorageRef storage = new StorageRef(key, type.dtype(), numel);
        storages.putIfAbsent(key, storage);
        return storage;
    }

    private Object resolveGlobal(String module, String name) {
        for (AllowedCall call : AllowedCall.values()) {
            if (call.module.equals(module) && call.name.equals(name)) {
                return call;
            }
        }
        if (module.equals("torch")) {
            var dtype = TorchDtype.ofStorageClass(name);
            if (dtype.isPresent()) {
                return new StorageType(dtype.get());
            }
        }
        String hint = module.startsWith("__torch__") ? " (this looks like a TorchScript archive from torch.jit.save, not a state dict)" : "";
        throw refused("it refers to the global '" + module + "." + name + "', which is not on the allow-list of a"
                + " state dict (" + ALLOWED_GLOBALS + ")" + hint);
    }

    private Object call(Object callable, Object arguments) {
        if (!(callable instanceof AllowedCall function)) {
            throw refused("it calls " + CheckpointKeys.describe(callable) + ", which is not an allowed function");
        }
        if (!(arguments instanceof Object[] args)) {
            throw malformed(function.qualifiedName() + " is called with " + CheckpointKeys.describe(arguments) + " instead of a tuple");
        }
        return switch (function) {
            case ORDERED_DICT -> orderedDict(args);
            case REBUILD_TENSOR_V2 -> rebuildTensor(args);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                if (args.length < 1 || !(args[0] instanceof TensorRef data)) {
                    throw malformed(function.qualifiedName() + " needs a tensor as its first argument");
                }
                yield data;
            }
        };
    }

    private Map<Object, Object> orderedDict(Object[] args) {
        LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
        if (args.length == 0) {
            return map;
        }
        if (args.length == 1 && args[0] instanceof List<?> items) {
            for (Object item : items) {
                if (!(item instanceof Object[] pair) || pair.length != 2) {
                    throw malformed("collections.OrderedDict needs (key, value) pairs");
                }
                map.put(pair[0], pair[1]);
            }
            return map;
        }
        throw malformed("collections.OrderedDict is called with " + args.length + " arguments");
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TensorRef rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw malformed("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
        }
        long offset = toLong(args[1], "a tensor's storage offset");
        long[] size = toLongs(args[2], "a tensor's size");
        long[] stride = toLongs(args[3], "a tensor's stride");
        return new TensorRef(storage, offset, size, stride);
    }

    /** BUILD sets attributes; on a dict these are bookkeeping ({@code _metadata} with module versions) we do not need. */
    private void build(Object state, Object target) {
        if (!(target instanceof Map<?, ?>)) {
            throw refused("it sets the state of " + CheckpointKeys.describe(target) + ", which a state dict never does");
        }
    }

    private Map<Object, Object> pairsToMap(List<Object> items, Map<Object, Object> map) {
        if (items.size() % 2 != 0) {
            throw malformed("a dict is built from an odd number of items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(hashable(items.get(i)), items.get(i + 1));
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetDict(String opcode) {
        if (!(stack.peek() instanceof Map<?, ?> map)) {
            throw malformed(opcode + " on something that is not a dict");
        }
        return (Map<Object, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> castSet(Set<?> set) {
        return (Set<Object>) set;
    }

    /**
     * Dict keys and set items must be what Python can hash. A list, dict or set key would make Java hash a
     * structure that may contain itself, and recurse until the stack overflows.
     */
    private Object hashable(Object key) {
        if (key instanceof List<?> || key instanceof Map<?, ?> || key instanceof Set<?>) {
            throw malformed("a dict key or set item is " + CheckpointKeys.describe(key) + ", which Python cannot hash");
        }
        return key;
    }

    /** Refuses a text operand with no newline within {@code maxLength} bytes. */
    private void checkLineLength(int maxLength) {
        pickle.mark(0);
        try {
            for (int i = 0; i <= maxLength; i++) {
                int b = pickle.read();
                if (b == '\n' || b < 0) {
                    return;
                }
            }
            throw malformed("a text integer is longer than " + maxLength + " digits");
        } finally {
            pickle.reset();
        }
    }

    /** Refuses a length-prefixed operand longer than what is left of the pickle, before razorvine allocates it. */
    private void checkLength(int width) {
        pickle.mark(0);
        byte[] bytes = new byte[width];
        int read = pickle.read(bytes, 0, width);
        pickle.reset();
        if (read < width) {
            throw malformed("it ends inside an operand");
        }
        long length = width == 4 ? PickleUtils.bytes_to_integer(bytes) : PickleUtils.bytes_to_long(bytes, 0);
        if (length < 0 || length > pickle.available() - width) {
            throw malformed("an operand claims " + length + " bytes but only " + (pickle.available() - width) + " are left");
        }
    }

    private long[] toLongs(Object value, String what) {
        if (!(value instanceof Object[] items)) {
            throw malformed(what + " is " + CheckpointKeys.describe(value) + ", not a tuple");
        }
        long[] result = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            result[i] = toLong(items[i], what);
        }
        return result;
    }

    private long toLong(Object value, String what) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger big) {
            throw malformed(what + " " + big + " does not fit in 64 bits");
        }
        throw malformed(what + " is " + CheckpointKeys.describe(value) + ", not an integer");
    }

    private CheckpointException refused(String reason) {
        return new CheckpointException(source + ": refusing to unpickle " + pickleName + ": " + reason + "; nothing was executed");
    }

    private CheckpointException malformed(String reason) {
        return new CheckpointException(source + ": " + pickleName + " is malformed: " + reason);
    }
}
