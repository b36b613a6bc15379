#!/usr/bin/env python3
"""Writes the small .npy files NpyTest reads. Values are arange-based so the Java test knows them exactly.

Run from this folder with NumPy installed: python3 make-npy.py
"""
import numpy as np

base = np.arange(6).reshape(2, 3)

np.save("arange_2x3_f4.npy", base.astype("<f4"))          # what Npy.writeFloat32 must reproduce byte for byte
np.save("arange_2x3_f8_big.npy", base.astype(">f8") / 4)  # big-endian float64: 0, 0.25, ..., 1.25
np.save("arange_2x3_i8.npy", base.astype("<i8") - 3)       # int64: -3 .. 2
np.save("arange_2x3_u1.npy", base.astype("u1") + 250)      # uint8: 250 .. 255
np.save("arange_2x3_i2_big.npy", base.astype(">i2") * -100)  # big-endian int16: 0, -100, ..., -500
np.save("arange_2x3_f2.npy", base.astype("<f2") / 2)       # float16: 0, 0.5, ..., 2.5
np.save("bool_4.npy", np.array([True, False, False, True]))
np.save("scalar_f4.npy", np.array(7.5, dtype="<f4"))       # shape ()
np.save("fortran_2x3_f4.npy", np.asfortranarray(base.astype("<f4")))
np.lib.format.write_array(open("arange_2x3_f4_v2.npy", "wb"), base.astype("<f4"), version=(2, 0))
np.lib.format.write_array(open("arange_2x3_f4_v3.npy", "wb"), base.astype("<f4"), version=(3, 0))
np.save("complex_2_c8.npy", np.array([1 + 2j, 3 - 4j], dtype="<c8"))
