package org.radmamba.app.ai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one device network a loaded model keeps, by precision, on this machine (no GPU): the loading stood in through
 * {@link DeviceNetworkEngine.Loader} with {@link DeviceNetworkStandIn}s, and refused as an older card would refuse TF32.
 */
class LoadedModelDeviceNetworkTest {

    @TempDir
    Path folder;

    @Test
    void the_device_network_is_kept_for_its_precision_and_another_precision_replaces_it() throws Exception {
        List<DeviceNetworkStandIn> loaded = new ArrayList<>();
        DeviceNetworkEngine.Loader loader = DeviceNetworkStandIn.into(loaded);
        DeviceNetworkStandIn tf32;
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            DeviceNetworkStandIn float32 = (DeviceNetworkStandIn) model.deviceNetwork(loader, NetworkPrecision.FLOAT32);
            assertSame(float32, model.deviceNetwork(loader, NetworkPrecision.FLOAT32), "kept, not loaded per job");

            tf32 = (DeviceNetworkStandIn) model.deviceNetwork(loader, NetworkPrecision.TF32);
            assertEquals(NetworkPrecision.TF32, tf32.precision);
            assertTrue(float32.closed, "the float32 network is closed before the TF32 one is loaded");
            assertFalse(tf32.closed);
            assertEquals(2, loaded.size());
        }
        assertTrue(tf32.closed, "closed with the model");
    }

    @Test
    void a_precision_the_device_refuses_is_remembered_for_that_precision_only() throws Exception {
        String refusal = "Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) or newer";
        AtomicInteger tf32Tries = new AtomicInteger();
        List<DeviceNetworkStandIn> loaded = new ArrayList<>();
        DeviceNetworkEngine.Loader turing = (weights, precision) -> {
            if (precision == NetworkPrecision.TF32) {
                tf32Tries.incrementAndGet();
                throw new CudaUnavailableException(refusal);
            }
            return DeviceNetworkStandIn.into(loaded).load(weights, precision);
        };
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            for (int i = 0; i < 2; i++) {
                CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                        () -> model.deviceNetwork(turing, NetworkPrecision.TF32));
                assertEquals(refusal, e.getMessage());
            }
            assertEquals(1, tf32Tries.get(), "the refusal is not retried for every job");

            model.deviceNetwork(turing, NetworkPrecision.FLOAT32);
            assertEquals(1, loaded.size(), "float32 still loads on the card that refused TF32");
            assertThrows(CudaUnavailableException.class, () -> model.deviceNetwork(turing, NetworkPrecision.TF32));
            assertFalse(loaded.getFirst().closed, "a remembered refusal leaves the float32 network in place");
        }
    }
}
