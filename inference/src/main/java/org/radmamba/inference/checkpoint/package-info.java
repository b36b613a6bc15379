/**
 * PyTorch checkpoints, read safely.
 *
 * <pre>{@code
 * StateDict sd = PthReader.read(path);                    // CheckpointException names the file and what is wrong
 * StateDict.Reader r = sd.withoutPrefix("vmunet.").reader();
 * float[] w = r.at("layers.0.blocks.0.").require("self_attention.A_logs", 64, 16).values();
 * ...
 * r.assertAllConsumed();                                  // fails listing keys the model never read
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.radmamba.inference.checkpoint.PthReader}: the zip format of {@code torch.save} (PyTorch 1.6+)
 *       and the legacy format before it; float32/float16/bfloat16/float64 and integer/bool storages, all returned
 *       as float32 in C order; strided views materialised; little- and big-endian files.</li>
 *   <li>{@code TorchUnpickler}: the pickle runs under an allow-list of globals; anything else is refused by name
 *       before it could run.</li>
 *   <li>{@link org.radmamba.inference.checkpoint.CheckpointKeys}: every key rename and prefix strip (dict wrappers
 *       {@code state_dict}, {@code model_state_dict}, {@code model}; DataParallel's {@code module.}).</li>
 *   <li>{@link org.radmamba.inference.checkpoint.CheckpointLimits}: how much an untrusted file may make us allocate.</li>
 * </ul>
 */
package org.radmamba.inference.checkpoint;
