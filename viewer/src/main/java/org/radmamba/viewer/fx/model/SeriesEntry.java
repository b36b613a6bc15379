package org.radmamba.viewer.fx.model;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.image.Image;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;

import java.util.ArrayList;
import java.util.List;

/**
 * A series as the browser and the viewports see it: with its patient and study (for corner text), its
 * displayable slices, and a thumbnail that arrives when decoded.
 */
public final class SeriesEntry {

    /** One displayable frame: frame {@code frame} of instance {@code instanceIndex} of the series. */
    public record Slice(int instanceIndex, int frame) {
    }

    /**
     * The patient and study rows this series is listed under, as the browser shows them: they change (UI thread)
     * when a series of theirs arrives or closes, so that their counts and modalities are those of the rows listed.
     */
    private Patient patient;
    private Study study;
    private final Series series;
    private final List<Slice> slices;
    private final ObjectProperty<Image> thumbnail = new SimpleObjectProperty<>(this, "thumbnail");
    private final javafx.beans.property.StringProperty thumbnailFailure =
            new javafx.beans.property.SimpleStringProperty(this, "thumbnailFailure", "");
    /** The file the thumbnail is (being) made of; null before one is asked for. UI thread only. */
    java.nio.file.Path thumbnailSource;
    /** The entry this one was replaced by when its series grew; null while it is the one shown. UI thread only. */
    SeriesEntry grownInto;

    /** This entry, or the one it grew into, and so on: the one shown now. */
    SeriesEntry latest() {
        SeriesEntry e = this;
        while (e.grownInto != null) {
            e = e.grownInto;
        }
        return e;
    }

    public SeriesEntry(Patient patient, Study study, Series series) {
        this.patient = patient;
        this.study = study;
        this.series = series;
        List<Slice> s = new ArrayList<>();
        List<Instance> instances = series.instances();
        for (int i = 0; i < instances.size(); i++) {
            for (int f = 0; f < instances.get(i).frameCount(); f++) {
                s.add(new Slice(i, f));
            }
        }
        this.slices = List.copyOf(s);
    }

    public Patient patient() {
        return patient;
    }

    public Study study() {
        return study;
    }

    public Series series() {
        return series;
    }

    /** Lists this series under {@code patient} and {@code study}, the rows it is shown under now. UI thread only. */
    void listUnder(Patient patient, Study study) {
        this.patient = patient;
        this.study = study;
    }

    public List<Slice> slices() {
        return slices;
    }

    public Instance instance(int index) {
        return series.instances().get(index);
    }

    /** True when the series has something to show (not only structured reports and the like). */
    public boolean isDisplayable() {
        return !slices.isEmpty();
    }

    public ObjectProperty<Image> thumbnailProperty() {
        return thumbnail;
    }

    /** Why the thumbnail cannot be shown ("" while it loads or once it has): its frame could not be decoded. */
    public javafx.beans.property.StringProperty thumbnailFailureProperty() {
        return thumbnailFailure;
    }

    /**
     * The series description; for a series the DICOM layer names by its folder (photographs), the folder's name
     * rather than its whole path.
     */
    public String description() {
        String d = series.description();
        if (d.isBlank()) {
            return "(no description)";
        }
        if (d.contains("/") || d.contains("\\")) {
            java.nio.file.Path name = java.nio.file.Path.of(d).getFileName();
            return name == null ? d : name.toString();
        }
        return d;
    }

    /** "CT · Chest-abdomen phantom 5 mm · 48 images" for the browser. */
    public String label() {
        String description = description();
        int count = series.instances().size();
        return series.modality() + " · " + description + " · " + count + (count == 1 ? " image" : " images");
    }

    @Override
    public String toString() {
        return label();
    }
}
