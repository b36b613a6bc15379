#!/usr/bin/env python3
"""Writes foreign-tid1500.dcm: a TID 1500 Measurement Report as another toolkit writes one, for RadMamba's SR
reader to be tested against something it did not write itself.

Shaped after what highdicom writes (Comprehensive 3D SR, SOP class 1.2.840.10008.5.1.4.1.1.88.34): a Person
observer, a volumetric measurement group (TID 1411) with a SNOMED finding, a finding site, the referenced segment of
a Segmentation and its source series, a volume in mm3 and a mean (HU) with its own nested modifiers, plus a
qualitative evaluation and a comment. Latin-1 text (ISO_IR 100), implicit VR little endian, no UIDs from RadMamba:
nothing here comes from our writer. Fixed UIDs and dates so that the file is the same on every run.

Run from the repository root:   python3 viewer/src/test/resources/dicom/sr/make_foreign_tid1500.py
Peer check (DCMTK, optional):   dsrdump viewer/src/test/resources/dicom/sr/foreign-tid1500.dcm
"""
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ImplicitVRLittleEndian

OUT = Path(__file__).with_name("foreign-tid1500.dcm")
ROOT = "1.2.826.0.1.3680043.10.1234."  # a test root, not RadMamba's 2.25 UIDs
SEG_UID = ROOT + "3.1"
CT_SERIES_UID = ROOT + "2"
CT_IMAGE_UID = ROOT + "2.7"


def code(value, scheme, meaning):
    c = Dataset()
    c.CodeValue = value
    c.CodingSchemeDesignator = scheme
    c.CodeMeaning = meaning
    return c


def item(relationship, value_type, concept):
    ds = Dataset()
    ds.RelationshipType = relationship
    ds.ValueType = value_type
    ds.ConceptNameCodeSequence = Sequence([code(*concept)])
    return ds


def container(relationship, concept, children):
    ds = item(relationship, "CONTAINER", concept)
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentSequence = Sequence(children)
    return ds


def text(relationship, concept, value):
    ds = item(relationship, "TEXT", concept)
    ds.TextValue = value
    return ds


def code_item(relationship, concept, value):
    ds = item(relationship, "CODE", concept)
    ds.ConceptCodeSequence = Sequence([code(*value)])
    return ds


def num(relationship, concept, value, unit, children=()):
    ds = item(relationship, "NUM", concept)
    mv = Dataset()
    mv.NumericValue = value
    mv.MeasurementUnitsCodeSequence = Sequence([code(*unit)])
    ds.MeasuredValueSequence = Sequence([mv])
    if children:
        ds.ContentSequence = Sequence(list(children))
    return ds


def image(relationship, concept, sop_class, sop_instance, segment=None):
    ds = item(relationship, "IMAGE", concept)
    ref = Dataset()
    ref.ReferencedSOPClassUID = sop_class
    ref.ReferencedSOPInstanceUID = sop_instance
    if segment is not None:
        ref.ReferencedSegmentNumber = segment
    ds.ReferencedSOPSequence = Sequence([ref])
    return ds


def uidref(relationship, concept, uid):
    ds = item(relationship, "UIDREF", concept)
    ds.UID = uid
    return ds


def main():
    group = container("CONTAINS", ("125007", "DCM", "Measurement Group"), [
        text("HAS OBS CONTEXT", ("112039", "DCM", "Tracking Identifier"), "Läsion 1"),
        uidref("HAS OBS CONTEXT", ("112040", "DCM", "Tracking Unique Identifier"), ROOT + "9.1"),
        code_item("CONTAINS", ("121071", "DCM", "Finding"), ("108369006", "SCT", "Neoplasm")),
        image("CONTAINS", ("121191", "DCM", "Referenced Segment"), "1.2.840.10008.5.1.4.1.1.66.4", SEG_UID, 1),
        uidref("CONTAINS", ("121232", "DCM", "Source series for segmentation"), CT_SERIES_UID),
        code_item("HAS CONCEPT MOD", ("363698007", "SCT", "Finding Site"), ("39607008", "SCT", "Lung")),
        num("CONTAINS", ("118565006", "SCT", "Volume"), "1234.5", ("mm3", "UCUM", "cubic millimeter"), [
            text("HAS CONCEPT MOD", ("111001", "DCM", "Algorithm Name"), "Slicer Segment Statistics"),
            text("HAS CONCEPT MOD", ("111003", "DCM", "Algorithm Version"), "5.2"),
        ]),
        num("CONTAINS", ("112031", "DCM", "Attenuation Coefficient"), "-512.25", ("[hnsf'U]", "UCUM", "Hounsfield unit"), [
            code_item("HAS CONCEPT MOD", ("121401", "DCM", "Derivation"), ("373098007", "SCT", "Mean")),
        ]),
        code_item("CONTAINS", ("C00000", "99LOCAL", "Margin"), ("C00001", "99LOCAL", "Spiculated")),
    ])
    root_children = [
        code_item("HAS CONCEPT MOD", ("121049", "DCM", "Language of Content Item and Descendants"), ("de", "RFC5646", "German")),
        code_item("HAS OBS CONTEXT", ("121005", "DCM", "Observer Type"), ("121006", "DCM", "Person")),
        item("HAS OBS CONTEXT", "PNAME", ("121008", "DCM", "Person Observer Name")),
        code_item("HAS CONCEPT MOD", ("121058", "DCM", "Procedure reported"), ("77477000", "SCT", "CT of chest")),
        container("CONTAINS", ("126010", "DCM", "Imaging Measurements"), [group]),
        container("CONTAINS", ("C0034375", "UMLS", "Qualitative Evaluations"), [
            text("CONTAINS", ("121106", "DCM", "Comment"), "Befund von Dr. Grüße geprüft"),
        ]),
    ]
    root_children[2].PersonName = "Grüße^Zoë"

    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.34"
    ds.SOPInstanceUID = ROOT + "4.1"
    ds.StudyDate = "20240102"
    ds.StudyTime = "101500"
    ds.ContentDate = "20240102"
    ds.ContentTime = "103000"
    ds.AccessionNumber = ""
    ds.Modality = "SR"
    ds.Manufacturer = "Other toolkit"
    ds.ReferringPhysicianName = ""
    ds.SeriesDescription = "Tumour measurements"
    ds.PatientName = "Grüße^Zoë"
    ds.PatientID = "FOREIGN-1"
    ds.PatientBirthDate = ""
    ds.PatientSex = "F"
    ds.StudyInstanceUID = ROOT + "1"
    ds.SeriesInstanceUID = ROOT + "4"
    ds.StudyID = "1"
    ds.SeriesNumber = 42
    ds.InstanceNumber = 1
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([code("126000", "DCM", "Imaging Measurement Report")])
    ds.ContinuityOfContent = "SEPARATE"
    template = Dataset()
    template.MappingResource = "DCMR"
    template.TemplateIdentifier = "1500"
    ds.ContentTemplateSequence = Sequence([template])
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    evidence_ref = Dataset()
    evidence_ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.66.4"
    evidence_ref.ReferencedSOPInstanceUID = SEG_UID
    evidence_series = Dataset()
    evidence_series.SeriesInstanceUID = ROOT + "3"
    evidence_series.ReferencedSOPSequence = Sequence([evidence_ref])
    evidence = Dataset()
    evidence.StudyInstanceUID = ROOT + "1"
    evidence.ReferencedSeriesSequence = Sequence([evidence_series])
    ds.CurrentRequestedProcedureEvidenceSequence = Sequence([evidence])
    ds.PerformedProcedureCodeSequence = Sequence([])
    ds.ContentSequence = Sequence(root_children)

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ImplicitVRLittleEndian
    meta.ImplementationClassUID = ROOT + "99"
    ds.file_meta = meta
    ds.save_as(OUT, enforce_file_format=True)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
