package org.radmamba.inference.checkpoint;

/** A storage as the pickle's persistent id names it: the zip entry {@code data/<key>} holding {@code numel} elements. */
record StorageRef(String key, TorchDtype dtype, long numel) {
}
