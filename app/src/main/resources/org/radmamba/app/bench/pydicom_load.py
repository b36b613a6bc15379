"""The peer of `radmamba bench load --peer pydicom`: reads every CT????.dcm file of a folder with its pixels
(pixel_array) on one thread, as RadMamba's loader does, and prints one line: files=N ms=T first_ms=F cpu_ms=C.

F is the time to the first file's pixels; T the time to all of them; C the CPU time this process spent on them
(on a shared machine, the figure that other processes' load changes least). Each file's array is kept, as the
viewer keeps every frame of a series. Runs with python3 and pydicom (Debian: python3-pydicom)."""
import glob
import os
import sys
import time

import pydicom

folder = sys.argv[1]
files = sorted(glob.glob(os.path.join(folder, "CT[0-9][0-9][0-9][0-9].dcm")))
t0 = time.perf_counter()
c0 = time.process_time()
first = None
frames = []
for path in files:
    frames.append(pydicom.dcmread(path).pixel_array)
    if first is None:
        first = time.perf_counter() - t0
total = time.perf_counter() - t0
cpu = time.process_time() - c0
print("files=%d ms=%.1f first_ms=%.1f cpu_ms=%.1f" % (len(frames), total * 1000, (first or 0) * 1000, cpu * 1000))
