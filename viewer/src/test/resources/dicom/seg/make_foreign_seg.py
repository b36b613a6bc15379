#!/usr/bin/env python3
"""Writes foreign-seg/: a small CT series (CT01.dcm .. CT08.dcm) and a DICOM Segmentation of it (seg.dcm) as another
toolkit writes one, for RadMamba's MPR to be tested on a Segmentation it did not write itself.

The SEG is shaped after what highdicom writes: BINARY, 1-bit frames packed across pixel boundaries (first pixel in
the least significant bit), two segments, one frame per segment and source slice that holds any of the segment
(empty frames left out, frames ordered by segment then slice), each frame's Derivation Image Sequence naming its
source CT image, its Segment Identification and its Plane Position; the orientation and pixel measures shared.
Explicit VR little endian, fixed UIDs of a test root (not RadMamba's 2.25 ones) and dates: the same files every run.

Volume: 32 columns x 24 rows x 8 axial slices; pixel (c, r) of slice k at x = -16 + c, y = -20 + 2r, z = 10 + 3k
(Pixel Spacing 2\\1, slices 3 mm apart, written from the top down). CT values x + 4y + 16z (HU).
Segment 1 "box": -8 <= x <= 3, -10 <= y <= 6, 22 <= z <= 37 (z 22..31 of the slices). Segment 2 "ball": within 6 mm of (8, 10, 28).

Run from the repository root:   python3 viewer/src/test/resources/dicom/seg/make_foreign_seg.py
Peer check (DCMTK, optional):   dcmdump viewer/src/test/resources/dicom/seg/foreign-seg/seg.dcm
"""
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

OUT = Path(__file__).with_name("foreign-seg")
ROOT = "1.2.826.0.1.3680043.10.1234.23."  # a test root, not RadMamba's 2.25 UIDs
STUDY_UID = ROOT + "1"
CT_SERIES_UID = ROOT + "2"
SEG_SERIES_UID = ROOT + "3"
FRAME_OF_REFERENCE_UID = ROOT + "4"
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
SEG_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4"
COLUMNS, ROWS, SLICES = 32, 24, 8


def point(c, r, k):
    return -16.0 + c, -20.0 + 2.0 * r, 10.0 + 3.0 * k


def in_box(x, y, z):
    return -8 <= x <= 3 and -10 <= y <= 6 and 22 <= z <= 37


def in_ball(x, y, z):
    return (x - 8) ** 2 + (y - 10) ** 2 + (z - 28) ** 2 <= 36


def common(ds, sop_class, sop_uid, modality, series_uid, series_number):
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = "20260101"
    ds.StudyTime = "120000"
    ds.Modality = modality
    ds.PatientName = "Foreign^Segmentation"
    ds.PatientID = "FOREIGNSEG"
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.StudyInstanceUID = STUDY_UID
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = series_number
    ds.StudyID = "1"
    ds.FrameOfReferenceUID = FRAME_OF_REFERENCE_UID


def save(ds, path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = ROOT + "99"
    ds.file_meta = meta
    ds.save_as(path, enforce_file_format=True)


def code(value, scheme, meaning):
    c = Dataset()
    c.CodeValue = value
    c.CodingSchemeDesignator = scheme
    c.CodeMeaning = meaning
    return c


def main():
    OUT.mkdir(exist_ok=True)
    ct_uids = []
    # Written from the top down: slice k is file CT(8 - k).
    for k in range(SLICES):
        uid = ROOT + "2.%d" % (k + 1)
        ct_uids.append(uid)
        ds = Dataset()
        common(ds, CT_IMAGE_STORAGE, uid, "CT", CT_SERIES_UID, 1)
        ds.SeriesDescription = "Foreign CT"
        ds.InstanceNumber = SLICES - k
        ds.ImagePositionPatient = [-16.0, -20.0, 10.0 + 3.0 * k]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [2, 1]
        ds.SliceThickness = 3
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = ROWS
        ds.Columns = COLUMNS
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = 0
        ds.RescaleSlope = 1
        ds.RescaleType = "HU"
        ds.WindowCenter = 300
        ds.WindowWidth = 1200
        values = np.zeros((ROWS, COLUMNS), dtype="<i2")
        for r in range(ROWS):
            for c in range(COLUMNS):
                x, y, z = point(c, r, k)
                values[r, c] = int(round(x + 4 * y + 16 * z))
        ds.PixelData = values.tobytes()
        save(ds, OUT / ("CT%02d.dcm" % (SLICES - k)))

    seg = Dataset()
    common(seg, SEG_STORAGE, ROOT + "3.1", "SEG", SEG_SERIES_UID, 100)
    seg.SeriesDescription = "Foreign segmentation"
    seg.InstanceNumber = 1
    seg.ContentLabel = "FOREIGN"
    seg.ContentDescription = "Box and ball"
    seg.ContentCreatorName = "Other^Toolkit"
    seg.ContentDate = "20260101"
    seg.ContentTime = "120000"
    seg.Manufacturer = "Another toolkit"
    seg.ImageType = ["DERIVED", "PRIMARY"]
    seg.SamplesPerPixel = 1
    seg.PhotometricInterpretation = "MONOCHROME2"
    seg.Rows = ROWS
    seg.Columns = COLUMNS
    seg.BitsAllocated = 1
    seg.BitsStored = 1
    seg.HighBit = 0
    seg.PixelRepresentation = 0
    seg.LossyImageCompression = "00"
    seg.SegmentationType = "BINARY"
    referenced = Dataset()
    referenced.SeriesInstanceUID = CT_SERIES_UID
    referenced.ReferencedInstanceSequence = Sequence()
    for uid in ct_uids:
        item = Dataset()
        item.ReferencedSOPClassUID = CT_IMAGE_STORAGE
        item.ReferencedSOPInstanceUID = uid
        referenced.ReferencedInstanceSequence.append(item)
    seg.ReferencedSeriesSequence = Sequence([referenced])

    segments = [(1, "box", in_box), (2, "ball", in_ball)]
    seg.SegmentSequence = Sequence()
    for number, label, _ in segments:
        s = Dataset()
        s.SegmentNumber = number
        s.SegmentLabel = label
        s.SegmentAlgorithmType = "MANUAL"
        s.SegmentedPropertyCategoryCodeSequence = Sequence([code("91723000", "SCT", "Anatomical Structure")])
        s.SegmentedPropertyTypeCodeSequence = Sequence([code("4147007", "SCT", "Mass")])
        seg.SegmentSequence.append(s)

    shared = Dataset()
    orientation = Dataset()
    orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shared.PlaneOrientationSequence = Sequence([orientation])
    measures = Dataset()
    measures.PixelSpacing = [2, 1]
    measures.SliceThickness = 3
    shared.PixelMeasuresSequence = Sequence([measures])
    seg.SharedFunctionalGroupsSequence = Sequence([shared])

    frames = []
    seg.PerFrameFunctionalGroupsSequence = Sequence()
    for number, _, inside in segments:
        for k in range(SLICES):
            mask = np.zeros((ROWS, COLUMNS), dtype=np.uint8)
            for r in range(ROWS):
                for c in range(COLUMNS):
                    mask[r, c] = 1 if inside(*point(c, r, k)) else 0
            if not mask.any():
                continue
            frames.append(mask)
            group = Dataset()
            source = Dataset()
            source.ReferencedSOPClassUID = CT_IMAGE_STORAGE
            source.ReferencedSOPInstanceUID = ct_uids[k]
            source.PurposeOfReferenceCodeSequence = Sequence([code("121322", "DCM", "Source image for image processing operation")])
            derivation = Dataset()
            derivation.DerivationCodeSequence = Sequence([code("113076", "DCM", "Segmentation")])
            derivation.SourceImageSequence = Sequence([source])
            group.DerivationImageSequence = Sequence([derivation])
            content = Dataset()
            content.DimensionIndexValues = [number, k + 1]
            group.FrameContentSequence = Sequence([content])
            position = Dataset()
            position.ImagePositionPatient = [-16.0, -20.0, 10.0 + 3.0 * k]
            group.PlanePositionSequence = Sequence([position])
            identification = Dataset()
            identification.ReferencedSegmentNumber = number
            group.SegmentIdentificationSequence = Sequence([identification])
            seg.PerFrameFunctionalGroupsSequence.append(group)
    seg.NumberOfFrames = len(frames)
    bits = np.concatenate([f.reshape(-1) for f in frames])
    seg.PixelData = np.packbits(bits, bitorder="little").tobytes()
    save(seg, OUT / "seg.dcm")


if __name__ == "__main__":
    main()
