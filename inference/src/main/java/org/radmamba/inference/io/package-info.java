/**
 * Array files: {@link org.radmamba.inference.io.Npy} reads NumPy {@code .npy} files (versions 1-3, float, integer
 * and bool types, either byte order, C order) as float32 and writes float32 ones, for golden outputs and the CLI's
 * {@code .npy} inputs and outputs. {@link org.radmamba.inference.io.ElementType} converts stored elements to float32
 * for both NumPy files and PyTorch storages.
 */
package org.radmamba.inference.io;
