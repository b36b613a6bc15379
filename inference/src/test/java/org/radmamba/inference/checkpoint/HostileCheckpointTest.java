package org.radmamba.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.radmamba.inference.checkpoint.PickleBuilder.entries;
import static org.radmamba.inference.checkpoint.PickleBuilder.floats;
import static org.radmamba.inference.checkpoint.PickleBuilder.writePth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checkpoints that try to run code, lie about their layout, or are simply broken. */
class HostileCheckpointTest {

    @TempDir
    Path dir;

    private CheckpointException refused(Path file) {
        return assertThrows(CheckpointException.class, () -> PthReader.read(file));
    }

    private CheckpointException refusedPickle(String name, PickleBuilder pickle) throws IOException {
        return refused(writePth(dir.resolve(name), entries(pickle.bytes())));
    }

    private static void assertMessage(CheckpointException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }

    /** A one-tensor state dict {'w': float32 (2, 3)} with the given data entries. */
    private Path oneTensor(String name, PickleBuilder tensor, Map<String, byte[]> data) throws IOException {
        PickleBuilder pickle = new PickleBuilder().orderedDict().mark().string("w");
        byte[] bytes = pickle.append(tensor).setItems().stop().bytes();
        Map<String, byte[]> entries = entries(bytes);
        data.forEach((key, value) -> entries.put("data/" + key, value));
        return writePth(dir.resolve(name), entries);
    }

    @Test
    void os_system_is_refused_by_name_and_never_runs() throws IOException {
        Path marker = dir.resolve("pwned");
        PickleBuilder pickle = new PickleBuilder().global("os", "system").string("touch " + marker).tuple1().reduce().stop();
        CheckpointException e = refusedPickle("evil.pth", pickle);
        assertMessage(e, "evil.pth", "'os.system'", "nothing was executed");
        assertFalse(Files.exists(marker));
    }

    @Test
    void a_state_dict_whose_tensor_hides_a_nested_eval_is_refused() throws IOException {
        Path marker = dir.resolve("pwned");
        PickleBuilder pickle = new PickleBuilder().orderedDict().mark().string("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .global("builtins", "eval").string("open('" + marker + "', 'w')").tuple1().reduce()
                .tuple().reduce().setItems().stop();
        CheckpointException e = refusedPickle("nested.pth", pickle);
        assertMessage(e, "nested.pth", "'builtins.eval'");
        assertFalse(Files.exists(marker));
    }

    @Test
    void posix_system_through_stack_global_is_refused() throws IOException {
        PickleBuilder pickle = new PickleBuilder().stackGlobal("posix", "system").string("true").tuple1().reduce().stop();
        assertMessage(refusedPickle("posix.pth", pickle), "'posix.system'");
    }

    @Test
    void the_inst_opcode_is_refused_naming_the_class() throws IOException {
        PickleBuilder pickle = new PickleBuilder().mark().string("id").inst("subprocess", "Popen").stop();
        assertMessage(refusedPickle("inst.pth", pickle), "'subprocess.Popen'", "nothing was executed");
    }

    /** Razorvine's default registry and its fallbacks would build these; our allow-list must not. */
    @ParameterizedTest
    @CsvSource({
            "copy_reg, _reconstructor", "copyreg, _reconstructor", "builtins, set", "__builtin__, bytearray",
            "_codecs, encode", "datetime, datetime", "decimal, Decimal", "array, array", "operator, attrgetter",
            "builtins, ValueError", "exceptions, Exception", "torch.storage, _load_from_bytes", "torch, load",
            "__torch__, MyModule", "numpy.core.multiarray, _reconstruct"})
    void globals_outside_the_allow_list_are_refused_by_name(String module, String name) throws IOException {
        PickleBuilder pickle = new PickleBuilder().global(module, name).emptyTuple().reduce().stop();
        CheckpointException e = refusedPickle("global.pth", pickle);
        assertMessage(e, "global.pth", "'" + module + "." + name + "'", "not on the allow-list");
    }

    @Test
    void a_constructor_someone_registered_in_razorvines_global_registry_is_still_refused() throws IOException {
        Path marker = dir.resolve("registered");
        net.razorvine.pickle.Unpickler.registerConstructor("radmamba_test", "Registered", args -> {
            try {
                return Files.createFile(marker);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        PickleBuilder pickle = new PickleBuilder().global("radmamba_test", "Registered").emptyTuple().reduce().stop();
        assertMessage(refusedPickle("registered.pth", pickle), "'radmamba_test.Registered'", "not on the allow-list");
        assertFalse(Files.exists(marker));
    }

    @Test
    void calling_a_storage_class_is_refused() throws IOException {
        PickleBuilder pickle = new PickleBuilder().global("torch", "FloatStorage").emptyTuple().reduce().stop();
        assertMessage(refusedPickle("call.pth", pickle), "not an allowed function");
    }

    @Test
    void reduce_on_a_value_that_is_not_a_callable_is_refused() throws IOException {
        PickleBuilder pickle = new PickleBuilder().string("os.system").emptyTuple().reduce().stop();
        assertMessage(refusedPickle("string.pth", pickle), "calls the string 'os.system'", "not an allowed function");
    }

    @Test
    void setting_state_on_anything_but_a_dict_is_refused() throws IOException {
        PickleBuilder pickle = new PickleBuilder().floatTensor("0", 2).emptyDict().build().stop();
        Map<String, byte[]> entries = entries(pickle.bytes());
        entries.put("data/0", floats(1, 2));
        assertMessage(refused(writePth(dir.resolve("build.pth"), entries)), "sets the state of");
    }

    @Test
    void an_operand_longer_than_the_pickle_is_refused_without_allocating_it() throws IOException {
        PickleBuilder pickle = new PickleBuilder().raw(0x8e).raw(0, 0, 0, 0, 0, 0, 0, 0x40).stop(); // BINBYTES8 of 2^62
        assertMessage(refusedPickle("long.pth", pickle), "malformed", "only");
    }

    @Test
    void a_pickle_without_stop_is_malformed() throws IOException {
        assertMessage(refusedPickle("cut.pth", new PickleBuilder().orderedDict()), "cut.pth", "data.pkl is malformed");
    }

    @Test
    void a_storage_offset_beyond_its_entry_is_refused_naming_the_tensor() throws IOException {
        PickleBuilder tensor = PickleBuilder.fragment().tensor("FloatStorage", "0", 6, 1000, new long[] {2, 3}, new long[] {3, 1});
        CheckpointException e = refused(oneTensor("offset.pth", tensor, Map.of("0", floats(0, 1, 2, 3, 4, 5))));
        assertMessage(e, "offset.pth", "tensor 'w'", "element 1005", "holds only 6");
    }

    @Test
    void a_storage_that_claims_more_than_its_entry_holds_is_refused() throws IOException {
        PickleBuilder tensor = PickleBuilder.fragment().tensor("FloatStorage", "0", 1 << 20, 0, new long[] {1024, 1024}, new long[] {1024, 1});
        CheckpointException e = refused(oneTensor("short.pth", tensor, Map.of("0", floats(0, 1, 2))));
        assertMessage(e, "tensor 'w'", "needs 4194304 bytes", "data/0", "holds only 12");
    }

    @Test
    void a_shape_whose_element_count_overflows_is_refused() throws IOException {
        long big = 1L << 40;
        PickleBuilder tensor = PickleBuilder.fragment().tensor("FloatStorage", "0", 6, 0, new long[] {big, big}, new long[] {big, 1});
        CheckpointException e = refused(oneTensor("overflow.pth", tensor, Map.of("0", floats(0, 1, 2, 3, 4, 5))));
        assertMessage(e, "tensor 'w'", "overflows");
    }

    @Test
    void a_negative_size_is_refused() throws IOException {
        PickleBuilder tensor = PickleBuilder.fragment().tensor("FloatStorage", "0", 6, 0, new long[] {-2, 3}, new long[] {3, 1});
        assertMessage(refused(oneTensor("negative.pth", tensor, Map.of("0", floats(0, 1, 2, 3, 4, 5)))), "tensor 'w'", "negative");
    }

    @Test
    void a_tensor_above_the_configured_element_limit_is_refused() throws IOException {
        Path file = oneTensor("limit.pth", PickleBuilder.fragment().floatTensor("0", 2, 3), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        CheckpointLimits small = CheckpointLimits.DEFAULT.withMaxTensorElements(5);
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(file, small));
        assertMessage(e, "tensor 'w' has 6 elements, more than the limit of 5");
    }

    @Test
    void stride_zero_views_that_blow_a_tiny_file_up_to_gigabytes_are_refused_before_allocating() throws IOException {
        PickleBuilder pickle = new PickleBuilder().orderedDict().mark();
        for (int i = 0; i < 8; i++) {
            pickle.string("w" + i).append(PickleBuilder.fragment().tensor("FloatStorage", "0", 1, 0, new long[] {1 << 30}, new long[] {0}));
        }
        Map<String, byte[]> entries = entries(pickle.setItems().stop().bytes());
        entries.put("data/0", floats(1));
        CheckpointException e = refused(writePth(dir.resolve("expand.pth"), entries));
        assertMessage(e, "expand.pth", "tensor 'w0'", "implausibly many");
    }

    @Test
    void a_dict_key_that_contains_itself_is_refused_instead_of_overflowing_the_stack() throws IOException {
        // l = []; l.append(l); {l: 1}
        PickleBuilder pickle = new PickleBuilder().emptyDict().raw(']', 'q', 0, 'h', 0, 'a').integer(1).raw('s').stop();
        assertMessage(refusedPickle("cycle.pth", pickle), "cannot hash");
    }

    @Test
    void a_text_integer_with_a_million_digits_is_refused() throws IOException {
        PickleBuilder pickle = new PickleBuilder().raw('L').raw("9".repeat(1_000_000).chars().toArray()).raw('L', '\n').stop();
        assertMessage(refusedPickle("digits.pth", pickle), "longer than 400 digits");
    }

    @Test
    void a_missing_data_entry_is_refused_naming_the_tensor() throws IOException {
        CheckpointException e = refused(oneTensor("missing.pth", PickleBuilder.fragment().floatTensor("7", 2, 3), Map.of()));
        assertEquals("missing.pth: tensor 'w' refers to missing/data/7, which is missing from the file", e.getMessage());
    }

    @Test
    void a_well_formed_hand_built_checkpoint_loads() throws IOException {
        Path file = oneTensor("hand.pth", PickleBuilder.fragment().floatTensor("0", 2, 3), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        CheckpointTensor w = PthReader.read(file).require("w", 2, 3);
        assertEquals(5f, w.values()[5]);
    }

    @Test
    void an_empty_tensor_needs_no_data() throws IOException {
        PickleBuilder pickle = new PickleBuilder().orderedDict().mark().string("empty")
                .append(PickleBuilder.fragment().tensor("FloatStorage", "0", 0, 0, new long[] {0, 3}, new long[] {3, 1}))
                .setItems().stop();
        CheckpointTensor empty = PthReader.read(writePth(dir.resolve("empty-tensor.pth"), entries(pickle.bytes()))).require("empty", 0, 3);
        assertEquals(0, empty.numel());
    }

    @Test
    void deflated_entries_load_like_stored_ones() throws IOException {
        PickleBuilder pickle = new PickleBuilder().orderedDict().mark().string("w")
                .append(PickleBuilder.fragment().floatTensor("0", 2, 3)).setItems().stop();
        Map<String, byte[]> entries = entries(pickle.bytes());
        entries.put("data/0", floats(0, 1, 2, 3, 4, 5));
        Path file = writePth(dir.resolve("deflated.pth"), entries, java.util.zip.ZipEntry.DEFLATED);
        assertEquals(4f, PthReader.read(file).require("w", 2, 3).values()[4]);
    }

    @Test
    void a_bare_pickle_calling_os_system_is_refused_as_a_legacy_file() throws IOException {
        Path marker = dir.resolve("pwned");
        byte[] pickle = new PickleBuilder().global("os", "system").string("touch " + marker).tuple1().reduce().stop().bytes();
        CheckpointException e = refused(Files.write(dir.resolve("bare.pth"), pickle));
        assertMessage(e, "bare.pth", "'os.system'", "nothing was executed");
        assertFalse(Files.exists(marker));
    }

    @Test
    void a_pickle_without_the_torch_magic_number_is_not_a_checkpoint() throws IOException {
        Path file = Files.write(dir.resolve("number.pth"), new PickleBuilder().integer(42).stop().bytes());
        assertEquals("number.pth: not a PyTorch checkpoint (a pickle without torch.save's magic number)", refused(file).getMessage());
    }

    @Test
    void a_truncated_legacy_file_is_reported_as_truncated() throws IOException {
        byte[] whole = Files.readAllBytes(PthReaderTest.checkpoint("legacy.pth"));
        Path file = Files.write(dir.resolve("cut-legacy.pth"), Arrays.copyOf(whole, whole.length - 10));
        assertMessage(refused(file), "cut-legacy.pth: ", "storage '", "truncated");
    }

    @Test
    void a_truncated_zip_is_reported_as_truncated() throws IOException {
        byte[] whole = Files.readAllBytes(PthReaderTest.checkpoint("medmamba_tiny.pth"));
        Path file = Files.write(dir.resolve("half.pth"), Arrays.copyOf(whole, whole.length / 2));
        assertMessage(refused(file), "half.pth: the zip archive is truncated or damaged");
    }

    @Test
    void a_file_that_is_not_a_zip_is_reported_as_not_a_checkpoint() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.pth"), "these are not weights");
        assertEquals("notes.pth: not a PyTorch checkpoint (neither a zip archive nor a pickle)", refused(file).getMessage());
        assertEquals("empty.pth: the file is empty", refused(Files.write(dir.resolve("empty.pth"), new byte[0])).getMessage());
    }

    @Test
    void a_zip_without_data_pkl_is_not_a_checkpoint() throws IOException {
        Path file = writePth(dir.resolve("other.pth"), Map.of("readme.txt", new byte[] {'h', 'i'}));
        assertMessage(refused(file), "other.pth: the zip archive has no data.pkl");
    }

    @Test
    void a_torchscript_archive_is_recognised_and_refused() throws IOException {
        Map<String, byte[]> entries = entries(new PickleBuilder().emptyDict().stop().bytes());
        entries.put("constants.pkl", new PickleBuilder().emptyTuple().stop().bytes());
        assertMessage(refused(writePth(dir.resolve("scripted.pth"), entries)), "TorchScript", "torch.jit.save");
    }

    @Test
    void a_pickle_that_is_not_a_dict_of_tensors_is_explained() throws IOException {
        PickleBuilder pickle = new PickleBuilder().emptyDict().mark().string("epoch").integer(3).setItems().stop();
        assertMessage(refusedPickle("dict.pth", pickle), "dict.pth", "not a state dict", "'epoch'");
    }
}
