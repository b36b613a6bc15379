#!/usr/bin/env python3
"""Writes the DICOMDIR fixture of the Spark tests: spark/src/test/resources/dicomdir/.

A File-set written by pydicom's own DICOMDIR writer (pydicom.fileset.FileSet, a third party's reading of PS3.10 and
PS3.3 F): three 32 x 32 CT slices of one series, in pydicom's folder layout (PT000000/ST000000/SE000000/IM00000n).
The third slice's file is then deleted, so that the DICOMDIR references a file that is not there: `radmamba batch`
and the Spark job must each give it the same failed row. Deterministic UIDs and pixels; run it again to remake the
same files: python3 spark/src/test/make_dicomdir.py
"""
import os
import shutil
import tempfile

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.fileset import FileSet
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "resources", "dicomdir")
ROOT = "1.2.826.0.1.3680043.10.1441.24"  # a fixed prefix: the files are the same on every run


def slice_(number):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = f"{ROOT}.3.{number}"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "Dicomdir^Fixture"
    ds.PatientID = "DD1"
    ds.StudyInstanceUID = f"{ROOT}.1"
    ds.SeriesInstanceUID = f"{ROOT}.2"
    ds.StudyDate = "20261206"
    ds.StudyTime = "120000"
    ds.StudyID = "1"
    ds.AccessionNumber = ""
    ds.ReferringPhysicianName = ""
    ds.Modality = "CT"
    ds.SeriesNumber = 1
    ds.InstanceNumber = number
    ds.ImagePositionPatient = [0, 0, float(number)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [1, 1]
    ds.SliceThickness = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 32
    ds.Columns = 32
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    y, x = np.mgrid[0:32, 0:32]
    disc = ((x - 16) ** 2 + (y - 16) ** 2) < (6 + 3 * number) ** 2
    pixels = np.where(disc, 1024 + 60 * number, 24).astype(np.int16)
    ds.PixelData = pixels.tobytes()
    return ds


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    with tempfile.TemporaryDirectory() as staging:
        fs = FileSet()
        fs.UID = f"{ROOT}.9"
        fs.ID = "FIXTURE"
        for number in (1, 2, 3):
            path = os.path.join(staging, f"{number}.dcm")
            slice_(number).save_as(path, enforce_file_format=True)
            fs.add(path)
        fs.write(OUT)
    images = sorted(os.path.join(d, f) for d, _, files in os.walk(OUT) for f in files if f != "DICOMDIR")
    os.remove(images[-1])
    for d, _, files in sorted(os.walk(OUT)):
        for f in sorted(files):
            print(os.path.relpath(os.path.join(d, f), OUT), os.path.getsize(os.path.join(d, f)))


if __name__ == "__main__":
    main()
