package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import org.radmamba.viewer.dicom.pixeldata.TagDictionary;

import java.nio.charset.StandardCharsets;

/**
 * PixelMed's data dictionary behind our {@link TagDictionary}: loaded (thousands of entries) only when a tag outside
 * our own table is asked for, in an implicit VR file or by the attribute browser.
 */
public final class PixelMedTagDictionary implements TagDictionary {

    @Override
    public String vr(int tag) {
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(attributeTag(tag));
        return vr == null || vr.length != 2 ? null : new String(vr, StandardCharsets.US_ASCII);
    }

    @Override
    public String name(int tag) {
        return DicomDictionary.StandardDictionary.getFullNameFromTag(attributeTag(tag));
    }

    private static AttributeTag attributeTag(int tag) {
        return new AttributeTag(tag >>> 16, tag & 0xFFFF);
    }
}
