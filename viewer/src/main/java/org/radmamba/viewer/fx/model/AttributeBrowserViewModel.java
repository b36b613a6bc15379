package org.radmamba.viewer.fx.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.radmamba.viewer.fx.service.StudyService;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.InstanceKind;

import java.nio.file.Path;
import java.util.List;

/**
 * The attributes of the image in view, read in the background when the image changes, and a search filter. While
 * the browser is not on screen ({@link #activeProperty()} false) image changes are only remembered: scrolling or
 * loading a series then reads no headers and rebuilds no table, and the image in view is read when it shows again.
 */
public final class AttributeBrowserViewModel {

    private final StudyService service;
    private final TaskExecutor executor;
    private final ObjectProperty<List<AttributeRow>> rows = new SimpleObjectProperty<>(this, "rows", List.of());
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final StringProperty message = new SimpleStringProperty(this, "message", "No image");
    private final BooleanProperty active = new SimpleBooleanProperty(this, "active", true);
    private Path shown;
    private Instance wanted;
    private TaskHandle reading;

    public AttributeBrowserViewModel(StudyService service, TaskExecutor executor) {
        this.service = service;
        this.executor = executor;
        active.addListener((obs, o, n) -> {
            if (n) {
                read(wanted);
            }
        });
    }

    /** Shows the attributes of {@code instance} (null: nothing), now if the browser is on screen, else when it shows. */
    public void show(Instance instance) {
        wanted = instance;
        if (active.get()) {
            read(instance);
        }
    }

    private void read(Instance instance) {
        Path file = instance == null ? null : instance.file();
        if (java.util.Objects.equals(file, shown)) {
            return;
        }
        shown = file;
        if (reading != null) {
            reading.cancel();
        }
        if (instance == null) {
            rows.set(List.of());
            message.set("No image");
            return;
        }
        if (instance.kind() == InstanceKind.PHOTOGRAPH) {
            rows.set(List.of());
            message.set(file.getFileName() + " is a photograph: it has no DICOM attributes");
            return;
        }
        message.set("Reading " + file.getFileName() + "…");
        reading = BackgroundTask.wrap(ctx -> AttributeTree.rows(service.readHeader(file)))
                .withTitle("Attributes of " + file.getFileName())
                .onSuccess(r -> {
                    rows.set(r);
                    message.set(file.getFileName().toString());
                })
                .onFailure(e -> {
                    rows.set(List.of());
                    message.set(ViewerViewModel.reasonOf(e));
                })
                .executeWith(executor);
    }

    /** The rows that match the filter, sequences kept when something inside them matches. */
    public List<AttributeRow> filteredRows() {
        return rows.get().stream().filter(r -> r.matches(filter.get())).toList();
    }

    public ObjectProperty<List<AttributeRow>> rowsProperty() {
        return rows;
    }

    /** Whether the browser is on screen; its view sets it. True by default (a view model without a view reads). */
    public BooleanProperty activeProperty() {
        return active;
    }

    public StringProperty filterProperty() {
        return filter;
    }

    public StringProperty messageProperty() {
        return message;
    }
}
